/**
 * HTTP benchmark of the built demo app (npm run bench). Each configuration runs the demo in a process of its own;
 * routes are interleaved over several rounds and each route's median is compared with GET /public of the same run,
 * because the machine is shared and noisy: ratios within one run are what mean something.
 *
 * Environment: BENCH_ROUNDS (default 5), BENCH_SECONDS per route and round (default 5), BENCH_CONNECTIONS (default 10),
 * BENCH_ADAPTERS (default express,fastify), BENCH_STORES (default memory,redis), REDIS_URL, BENCH_OUT (a Markdown file).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const MAIN = fileURLToPath(new URL('../apps/demo/main.js', import.meta.url));
const SECRET = 'bench-secret-that-is-long-enough-0123456789abcdef';
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const adapters = (process.env.BENCH_ADAPTERS ?? 'express,fastify').split(',');
const stores = (process.env.BENCH_STORES ?? 'memory,redis').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  token?: 'access' | 'refresh';
}

const ROUTES: Route[] = [
  { name: 'GET /public', method: 'GET', path: '/public' },
  { name: 'GET /protected', method: 'GET', path: '/protected', token: 'access' },
  { name: 'POST /protected-fresh', method: 'POST', path: '/protected-fresh', token: 'access' },
  { name: 'POST /refresh', method: 'POST', path: '/refresh', token: 'refresh' },
];

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startDemo(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await sparePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, NO_COLOR: '1', JWT_SECRET_KEY: SECRET, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 20000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function run(url: string, route: Route, tokens: Record<string, string>): Promise<{ rps: number; non2xx: number }> {
  const result = await autocannon({
    url: `${url}${route.path}`,
    method: route.method,
    connections,
    duration: seconds,
    headers: route.token ? { authorization: `Bearer ${tokens[route.token]}` } : {},
  });
  return { rps: result.requests.average, non2xx: result.non2xx };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

interface Row {
  adapter: string;
  store: string;
  route: string;
  median: number;
  ratio: number;
  runs: number[];
  non2xx: number;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const adapter of adapters) {
    for (const store of stores) {
      const env: Record<string, string> = { HTTP_ADAPTER: adapter };
      if (store === 'redis') Object.assign(env, { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `bench:${process.pid}:` });
      const demo = await startDemo(env);
      try {
        const login = await fetch(`${demo.url}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'test', password: 'test' }),
        });
        const body = (await login.json()) as { access_token: string; refresh_token: string };
        const tokens = { access: body.access_token, refresh: body.refresh_token };
        const results = new Map<string, { rps: number[]; non2xx: number }>();
        for (let round = 0; round < rounds; round += 1) {
          for (const route of ROUTES) {
            const { rps, non2xx } = await run(demo.url, route, tokens);
            const entry = results.get(route.name) ?? { rps: [], non2xx: 0 };
            entry.rps.push(rps);
            entry.non2xx += non2xx;
            results.set(route.name, entry);
          }
        }
        const baseline = median(results.get('GET /public')!.rps);
        for (const route of ROUTES) {
          const entry = results.get(route.name)!;
          const row = { adapter, store, route: route.name, median: median(entry.rps), ratio: median(entry.rps) / baseline, runs: entry.rps, non2xx: entry.non2xx };
          rows.push(row);
          console.log(`${adapter.padEnd(8)} ${store.padEnd(7)} ${route.name.padEnd(22)} ${row.median.toFixed(0).padStart(7)} req/s  x${row.ratio.toFixed(2)}  non2xx=${row.non2xx}`);
        }
      } finally {
        demo.child.kill('SIGTERM');
      }
    }
  }
  const table = [
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. ${rounds} rounds x ${seconds} s per route, ${connections} connections, routes interleaved; medians.`,
    '',
    '| adapter | store | route | median req/s | / GET /public | non-2xx |',
    '|---|---|---|---:|---:|---:|',
    ...rows.map((row) => `| ${row.adapter} | ${row.store} | ${row.route} | ${row.median.toFixed(0)} | ${row.ratio.toFixed(2)} | ${row.non2xx} |`),
  ].join('\n');
  console.log(`\n${table}`);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${table}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
