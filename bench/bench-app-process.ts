/**
 * The bench app as a process of its own, and the routes every HTTP-level bench drives: started on a spare port,
 * optionally under a wrapper command (valgrind), logged in once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./app/main.js', import.meta.url));
const SECRET = 'bench-secret-that-is-long-enough-0123456789abcdef';

export interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  token?: 'access' | 'refresh';
  /** How the token travels: the Authorization header (default), or the browser's way, a cookie (+ CSRF header on POST). */
  transport?: 'header' | 'cookie';
}

export const BASELINE = 'GET /public';
export const PROTECTED = 'GET /protected';
/** The open route sent with the same header as the guarded one, and the route that runs the guard alone. */
export const OPEN_WITH_HEADER = 'GET /public + Authorization header';
export const GUARD_ALONE = 'GET /bench/guarded-hello (the guard alone)';
export const DOCS_RECIPE = 'GET /docs-recipe/profile (NestJS docs passport recipe)';

/** GET /public first: it is the baseline of every round. */
export const ROUTES: readonly Route[] = [
  { name: BASELINE, method: 'GET', path: '/public' },
  // The same open route carrying the token: what the header costs the HTTP stack, before any guard looks at it.
  { name: OPEN_WITH_HEADER, method: 'GET', path: '/public', token: 'access' },
  { name: PROTECTED, method: 'GET', path: '/protected', token: 'access' },
  { name: GUARD_ALONE, method: 'GET', path: '/bench/guarded-hello', token: 'access' },
  { name: 'POST /protected-fresh', method: 'POST', path: '/protected-fresh', token: 'access' },
  // The same routes as a browser calls them: the token in a cookie among others, the CSRF value in a header on POST.
  { name: 'GET /protected (cookie)', method: 'GET', path: '/protected', token: 'access', transport: 'cookie' },
  {
    name: 'POST /protected-fresh (cookie + CSRF)',
    method: 'POST',
    path: '/protected-fresh',
    token: 'access',
    transport: 'cookie',
  },
  { name: 'POST /refresh', method: 'POST', path: '/refresh', token: 'refresh' },
  { name: DOCS_RECIPE, method: 'GET', path: '/docs-recipe/profile', token: 'access' },
];

export type Tokens = Record<'access' | 'refresh', string>;

export interface BenchApp {
  url: string;
  child: ChildProcess;
}

export interface StartOptions {
  /** Environment on top of this process's, e.g. HTTP_ADAPTER and REDIS_URL. */
  env: Record<string, string>;
  /** A command that runs node, e.g. `['valgrind', '--tool=callgrind']`. */
  wrapper?: readonly string[];
  /** Flags for node itself. */
  nodeFlags?: readonly string[];
  /** How long start-up may take (valgrind is slow). */
  startTimeoutMs?: number;
  /** The app's entry point: the bench app by default; the demo's own for a bench of routes only the demo serves. */
  main?: string;
}

export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts the bench app and resolves once it listens; rejects with its output if it exits or takes too long. */
export async function startBenchApp({
  env,
  wrapper = [],
  nodeFlags = [],
  startTimeoutMs = 20_000,
  main = MAIN,
}: StartOptions): Promise<BenchApp> {
  const port = await sparePort();
  const [command, ...args] = [...wrapper, process.execPath, ...nodeFlags, main];
  const child = spawn(command, args, {
    // A day-long access token: one login serves a whole run, however long a loaded machine makes it under valgrind.
    env: {
      ...process.env,
      NO_COLOR: '1',
      JWT_SECRET_KEY: SECRET,
      JWT_ACCESS_TOKEN_EXPIRES: '86400',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Given up on: the process goes too, or it would outlive the run.
      child.kill('SIGKILL');
      reject(new Error(`bench app did not start:\n${output}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench app exited with ${code}:\n${output}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** Logs the demo's default user in. */
export async function login(url: string): Promise<Tokens> {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'test', password: 'test' }),
  });
  if (!response.ok) throw new Error(`POST /login answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  return { access: body.access_token, refresh: body.refresh_token };
}

export function headersFor(route: Route, tokens: Tokens): Record<string, string> {
  if (!route.token) return {};
  const token = tokens[route.token];
  if (route.transport !== 'cookie') return { authorization: `Bearer ${token}` };
  const name = route.token === 'access' ? 'access_token_cookie' : 'refresh_token_cookie';
  // A browser sends every cookie of the site: an analytics id and a preference beside the token.
  const cookie = `_ga=GA1.1.1234567890.1700000000; theme=dark; ${name}=${token}`;
  if (route.method === 'GET') return { cookie };
  const { csrf } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { csrf: string };
  return { cookie, 'x-csrf-token': csrf };
}

/** One request per route before measuring: a route that does not answer 2xx would only measure its error path. */
export async function preflight(url: string, tokens: Tokens): Promise<void> {
  for (const route of ROUTES) {
    const response = await fetch(`${url}${route.path}`, { method: route.method, headers: headersFor(route, tokens) });
    const body = await response.text();
    if (!response.ok) throw new Error(`${route.name} answered ${response.status} before the run: ${body}`);
  }
}
