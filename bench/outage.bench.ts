/**
 * Served requests per second through a Redis outage: a private redis-server (AOF on) on a spare port, the built demo
 * on it, 16 keep-alive clients on GET /protected; Redis is killed after 3 s and started again 7 s later. Prints one
 * line per second: 200s, 503s, anything else, and the slowest answer; beside it, the slowest of the store calls a
 * probe makes meanwhile (POST /refresh, which asks Redis, four times a second) and how they were answered; then how
 * long after the restarted Redis was ready the demo served again. These latencies are measured here, not asserted:
 * test/chaos.e2e-spec.ts proves the same answers do not wait for Redis, against the revocation timeout.
 *
 *   npm run build && npm run build:bench && node dist/bench-build/bench/outage.bench.js
 *
 * OUTAGE_DEMO (default dist/apps/demo/main.js) runs another build of the demo (say, of an older commit), and
 * OUTAGE_ADAPTER (express) / OUTAGE_CLIENTS (16) / OUTAGE_SECONDS (7) / OUTAGE_STALENESS (demo default) vary the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEMO = process.env.OUTAGE_DEMO ?? join(process.cwd(), 'dist/apps/demo/main.js');
const ADAPTER = process.env.OUTAGE_ADAPTER ?? 'express';
const CLIENTS = Number(process.env.OUTAGE_CLIENTS ?? 16);
const OUTAGE_SECONDS = Number(process.env.OUTAGE_SECONDS ?? 7);
const BEFORE_SECONDS = 3;
const AFTER_SECONDS = 5;
const SECRET = 'outage-bench-secret-that-is-long-enough-0123456789';
/** How long a process started here has to say it is ready. */
const STARTUP_BUDGET_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startRedis(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Resolves when `child` prints `text`; rejects if it exits first or prints nothing of the kind in time. */
async function waitFor(child: ChildProcess, text: string): Promise<void> {
  let output = '';
  let timer: NodeJS.Timeout | undefined;
  let onData: (chunk: Buffer) => void = () => undefined;
  let onExit: () => void = () => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no "${text}" within ${STARTUP_BUDGET_MS} ms:\n${output}`)),
        STARTUP_BUDGET_MS,
      );
      onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(text)) resolve();
      };
      onExit = () => reject(new Error(`exited before "${text}":\n${output}`));
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', onExit);
    });
  } finally {
    clearTimeout(timer);
    child.removeListener('exit', onExit);
    // Still read what it prints, so that its pipes never fill up.
    child.stdout?.removeListener('data', onData).resume();
    child.stderr?.removeListener('data', onData).resume();
  }
}

/** Kills `child` with `signal` and waits for it to exit. */
async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(body);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'outage-redis-'));
  const redisPort = await sparePort();
  let redis = startRedis(redisPort, dir);
  const port = await sparePort();
  const demo = spawn(process.execPath, [DEMO], {
    env: {
      ...process.env,
      NO_COLOR: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET_KEY: SECRET,
      HTTP_ADAPTER: ADAPTER,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      ...(process.env.OUTAGE_STALENESS ? { REVOCATION_MAX_STALENESS_SECONDS: process.env.OUTAGE_STALENESS } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await waitFor(redis, 'Ready to accept connections');
    await waitFor(demo, 'Listening on');
    const login = await call(
      port,
      'POST',
      '/login',
      { 'content-type': 'application/json' },
      JSON.stringify({ username: 'test', password: 'test' }),
    );
    const tokens = JSON.parse(login.body) as { access_token: string; refresh_token: string };
    const total = BEFORE_SECONDS + OUTAGE_SECONDS + AFTER_SECONDS;
    const seconds = Array.from({ length: total }, () => ({
      ok: 0,
      unavailable: 0,
      other: 0,
      slowest: 0,
      refreshes: new Map<number, number>(),
      slowestRefresh: 0,
    }));
    const started = performance.now();
    const end = started + total * 1000;
    const secondOf = (sent: number) => seconds[Math.min(total - 1, Math.floor((sent - started) / 1000))]!;
    /** When the restarted Redis said it was ready, and when a GET /protected sent after that was first served. */
    const restart: { readyAt?: number; servedAt?: number } = {};
    const client = async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        const { status } = await call(port, 'GET', '/protected', { authorization: `Bearer ${tokens.access_token}` });
        const now = performance.now();
        const second = secondOf(sent);
        if (status === 200) second.ok += 1;
        else if (status === 503) second.unavailable += 1;
        else second.other += 1;
        second.slowest = Math.max(second.slowest, now - sent);
        if (status === 200 && restart.readyAt !== undefined && sent >= restart.readyAt) restart.servedAt ??= now;
      }
    };
    // A store call (the refresh token is checked in Redis): answered, or refused at once, never after a wait.
    const probe = async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        const { status } = await call(port, 'POST', '/refresh', { authorization: `Bearer ${tokens.refresh_token}` });
        const second = secondOf(sent);
        second.refreshes.set(status, (second.refreshes.get(status) ?? 0) + 1);
        second.slowestRefresh = Math.max(second.slowestRefresh, performance.now() - sent);
        await sleep(250);
      }
    };
    const load = Promise.all([...Array.from({ length: CLIENTS }, client), probe()]);
    await sleep(BEFORE_SECONDS * 1000);
    await stop(redis, 'SIGKILL');
    await sleep(OUTAGE_SECONDS * 1000);
    redis = startRedis(redisPort, dir);
    await waitFor(redis, 'Ready to accept connections');
    restart.readyAt = performance.now();
    await load;
    console.log(
      `demo ${DEMO} (${ADAPTER}), ${CLIENTS} clients, Redis down from ${BEFORE_SECONDS} s to ` +
        `${BEFORE_SECONDS + OUTAGE_SECONDS} s`,
    );
    console.log(
      '| second | 200 | 503 | other | slowest (ms) | POST /refresh, by status | slowest refresh (ms) |\n' +
        '|---|---|---|---|---|---|---|',
    );
    seconds.forEach((s, i) =>
      console.log(
        `| ${i}-${i + 1}${i >= BEFORE_SECONDS && i < BEFORE_SECONDS + OUTAGE_SECONDS ? ' (down)' : ''} | ` +
          `${s.ok} | ${s.unavailable} | ${s.other} | ${s.slowest.toFixed(0)} | ` +
          `${[...s.refreshes].map(([status, count]) => `${count} x ${status}`).join(', ')} | ` +
          `${s.slowestRefresh.toFixed(0)} |`,
      ),
    );
    console.log(
      restart.servedAt === undefined
        ? 'GET /protected was not served again after the restart'
        : `GET /protected served again ${(restart.servedAt - restart.readyAt).toFixed(0)} ms after the restarted ` +
            'Redis was ready',
    );
  } finally {
    agent.destroy();
    await Promise.all([stop(demo, 'SIGTERM'), stop(redis, 'SIGKILL')]);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
