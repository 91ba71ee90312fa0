/**
 * Revocation at scale (npm run bench:scale, issue 10). For each size N, in a private redis-server of its own:
 * 1. a fresh demo instance (Fastify) on the empty store: time from spawning it to the first 200 on GET /protected, RSS;
 * 2. N revoked sessions and N revoked refresh jtis seeded through the public API (`RevocationService.revokeSession` /
 *    `revokeToken`, 30-day lifetimes), bounded concurrency; Redis `used_memory` before and after, bytes per revocation;
 * 3. a fresh demo instance again: time to the first 200 on GET /protected (polled every 20 ms from the spawn), RSS
 *    (VmRSS) once it serves and after a few hundred requests, and Redis `used_memory` while it starts.
 * Each instance is started SCALE_STARTS times (one after the other) and the medians are reported: on a shared machine
 * one start's time moves by seconds.
 *
 * The issue's scenario is an app after 30 days of logouts, not 2N logouts in the last minutes, so the seeding process
 * spreads the revocations over the last SCALE_SPREAD_DAYS days: it runs them in batches, each at a later moment of
 * that span, by shifting its own clock (`Date.now`, which the library reads for `revokedAt` and `exp`); the last batch
 * is made now, so about 2N / batches of them fall in the access-token window. SCALE_SPREAD_DAYS=0 makes them all now.
 *
 * Bounded: every step has a timeout, a demo that does not serve within SCALE_START_TIMEOUT_S is reported and killed,
 * and so is one during whose start Redis grows by more than SCALE_REDIS_GROWTH_LIMIT_MB (the store's old reload
 * could make Redis buffer gigabytes). Redis runs with `--maxmemory` SCALE_REDIS_MAXMEMORY and is killed at the end,
 * also on error or interruption.
 *
 * Environment: SCALE_N (default 1000000), SCALE_NS (several sizes, e.g. "1000000,10000000"; wins over SCALE_N),
 * SCALE_CONCURRENCY (revocations in flight, default 512), SCALE_SPREAD_DAYS (default 29), SCALE_REQUESTS (default
 * 500), SCALE_STARTS (default 3), SCALE_START_TIMEOUT_S (default 120), SCALE_REDIS_MAXMEMORY (default 4gb), SCALE_REDIS_GROWTH_LIMIT_MB
 * (default 2048), SCALE_OUT (a Markdown file).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { AuthModule, RevocationService, TokenService } from 'nest-jwt-extended';
import { RedisRevocationStore } from 'nest-jwt-extended/redis';
import { sparePort } from './bench-app-process.js';
import { commandLine, machine, REPO_ROOT, versions, writeOutput } from './bench-report.js';

const sizes = (process.env.SCALE_NS ?? process.env.SCALE_N ?? '1000000')
  .split(',')
  .map((size) => Number(size.replace(/_/g, '')));
const concurrency = Number(process.env.SCALE_CONCURRENCY ?? 512);
const spreadDays = Number(process.env.SCALE_SPREAD_DAYS ?? 29);
const requests = Number(process.env.SCALE_REQUESTS ?? 500);
const starts = Number(process.env.SCALE_STARTS ?? 3);
const startTimeoutMs = Number(process.env.SCALE_START_TIMEOUT_S ?? 120) * 1000;
const redisMaxMemory = process.env.SCALE_REDIS_MAXMEMORY ?? '4gb';
const redisGrowthLimit = Number(process.env.SCALE_REDIS_GROWTH_LIMIT_MB ?? 2048) * 2 ** 20;
for (const [name, value] of Object.entries({
  size: Math.min(...sizes),
  concurrency,
  requests,
  starts,
  startTimeoutMs,
})) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`bench:scale: bad ${name} ${value}`);
}
if (!(spreadDays >= 0 && spreadDays < 30))
  throw new Error('SCALE_SPREAD_DAYS must be in [0, 30): entries must be in force');

const SECRET = 'scale-bench-secret-that-is-long-enough-0123456789abcdef';
const PREFIX = 'scale-bench:';
const ACCESS_TTL = 15 * 60;
const REFRESH_TTL = 30 * 24 * 60 * 60;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Batches of at least this many revocations keep every one of the in-flight slots busy. */
const MIN_BATCH = 4096;
const POLL_MS = 20;
const DEMO_MAIN = resolve(REPO_ROOT, 'dist/apps/demo/main.js');

// ---------------------------------------------------------------- processes that must never outlive the bench

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function reapAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', reapAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`bench:scale: ${signal}, stopping`);
    reapAll();
    process.exit(130);
  });
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function stop(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------- the private Redis

interface PrivateRedis {
  url: string;
  client: Redis;
  close(): Promise<void>;
}

async function startRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-scale-redis-'));
  tempDirs.add(dir);
  const port = await sparePort();
  const child = track(
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--maxmemory',
        redisMaxMemory,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
  const url = `redis://127.0.0.1:${port}`;
  // Bounded commands: INFO waits behind whatever a loaded Redis is busy with.
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 5000,
    retryStrategy: () => 100,
  });
  client.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') break;
    } catch {
      client.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await sleep(50);
  }
  return {
    url,
    client,
    async close() {
      client.disconnect();
      await stop(child, 2000);
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };
}

async function redisMemory(client: Redis): Promise<{ used: number; peak: number }> {
  const info = await client.info('memory');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  return { used: field('used_memory'), peak: field('used_memory_peak') };
}

// ---------------------------------------------------------------- seeding through the public API

interface Seeded {
  seconds: number;
  batches: number;
  inWindow: number;
  accessToken: string;
}

/**
 * Revokes `n` sessions and `n` refresh jtis as an instance of an app would (interleaved), with `concurrency` calls in
 * flight, in batches spread over the last `spreadDays` days (see the file's comment). Returns an access token for the
 * demo, minted with the real clock.
 */
async function seed(url: string, n: number): Promise<Seeded> {
  const total = 2 * n;
  const batches = spreadDays > 0 ? Math.max(1, Math.min(spreadDays * 24, Math.ceil(total / MIN_BATCH))) : 1;
  const realNow = Date.now;
  let shiftMs = 0;
  Date.now = () => realNow() - shiftMs;
  const app = await NestFactory.createApplicationContext(
    {
      imports: [
        AuthModule.forRoot({
          secret: SECRET,
          accessTokenExpiresIn: ACCESS_TTL,
          refreshTokenExpiresIn: REFRESH_TTL,
          // A seeding run keeps a loaded Redis busy: no call may fail for being slow.
          revocationTimeoutMs: 30_000,
          revocationStore: new RedisRevocationStore({ url, keyPrefix: PREFIX, commandTimeoutMs: 30_000 }),
        }),
      ],
    },
    { logger: ['error', 'warn'] },
  );
  const started = performance.now();
  try {
    const revocations = app.get(RevocationService);
    let done = 0;
    let nextReport = 1;
    const report = () => {
      while (done >= (nextReport * total) / 10) {
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `  seeded ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${nextReport * 10} %) in ${seconds.toFixed(1)} s, ${Math.round(done / seconds).toLocaleString('en')}/s`,
        );
        nextReport += 1;
      }
    };
    for (let batch = 0; batch < batches; batch += 1) {
      // Batch b is made (batches - 1 - b) / batches of the span ago: the last one now.
      shiftMs = batches > 1 ? Math.round((spreadDays * DAY_MS * (batches - 1 - batch)) / (batches - 1)) : 0;
      const end = Math.round((total * (batch + 1)) / batches);
      let next = Math.round((total * batch) / batches);
      const worker = async () => {
        for (let i = next++; i < end; i = next++) {
          if (i % 2 === 0) await revocations.revokeSession(randomUUID());
          else await revocations.revokeToken({ jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + REFRESH_TTL });
          done += 1;
          report();
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, end - next) }, worker));
    }
    shiftMs = 0;
    Date.now = realNow;
    const accessToken = app.get(TokenService).createAccessToken('scale-bench-user');
    return {
      seconds: (performance.now() - started) / 1000,
      batches,
      inWindow: Math.round(total / batches),
      accessToken,
    };
  } finally {
    Date.now = realNow;
    await app.close();
  }
}

// ---------------------------------------------------------------- a fresh demo instance

interface DemoFigures {
  /** Milliseconds from spawn to the first 200 on GET /protected; undefined when it never served. */
  firstServedMs?: number;
  /** What it answered before (status counts, 'refused' for no connection). */
  before: Record<string, number>;
  rssServingMb?: number;
  rssAfterRequestsMb?: number;
  redisUsedDuringStart: number;
  failure?: string;
}

function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

async function get(url: string, accessToken: string, timeoutMs: number): Promise<number> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer();
  return response.status;
}

async function measureDemo(redis: PrivateRedis, accessToken: string): Promise<DemoFigures> {
  const port = await sparePort();
  const url = `http://127.0.0.1:${port}/protected`;
  const baseline = (await redisMemory(redis.client)).used;
  const figures: DemoFigures = { before: {}, redisUsedDuringStart: baseline };
  let output = '';
  const started = performance.now();
  const child = track(
    spawn(process.execPath, [DEMO_MAIN], {
      env: {
        ...process.env,
        NO_COLOR: '1',
        HTTP_ADAPTER: 'fastify',
        HOST: '127.0.0.1',
        PORT: String(port),
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: PREFIX,
        JWT_ALGORITHM: 'HS256',
        JWT_SECRET_KEY: SECRET,
        JWT_ACCESS_TOKEN_EXPIRES: String(ACCESS_TTL),
        JWT_REFRESH_TOKEN_EXPIRES: String(REFRESH_TTL),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  // Redis while the instance starts: its reload must not make Redis buffer without bound.
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const { used } = await redisMemory(redis.client).catch(() => ({ used: 0 }));
      figures.redisUsedDuringStart = Math.max(figures.redisUsedDuringStart, used);
      if (used - baseline > redisGrowthLimit && !figures.failure) {
        figures.failure = `Redis grew by ${mb(used - baseline)} MB while the instance started: stopped`;
        child.kill('SIGKILL');
      }
      await sleep(250);
    }
  })();

  try {
    while (figures.firstServedMs === undefined && !figures.failure) {
      const elapsed = performance.now() - started;
      if (child.exitCode !== null || child.signalCode !== null) {
        figures.failure = `the demo exited (${child.exitCode ?? child.signalCode}) before serving:\n${output}`;
        break;
      }
      if (elapsed > startTimeoutMs) {
        figures.failure = `no 200 on GET /protected within ${startTimeoutMs / 1000} s`;
        break;
      }
      const status = await get(url, accessToken, 2000).catch(() => 'refused');
      if (status === 200) {
        figures.firstServedMs = performance.now() - started;
        figures.rssServingMb = rssMb(child.pid!);
        break;
      }
      figures.before[status] = (figures.before[status] ?? 0) + 1;
      await sleep(Math.max(0, started + elapsed + POLL_MS - performance.now()));
    }
    if (figures.firstServedMs !== undefined) {
      let next = 0;
      const statuses: Record<string, number> = {};
      const client = async () => {
        while (next < requests) {
          next += 1;
          const status = await get(url, accessToken, 10_000).catch(() => 'error');
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      };
      await Promise.all(Array.from({ length: 10 }, client));
      figures.rssAfterRequestsMb = rssMb(child.pid!);
      if (statuses[200] !== requests) {
        figures.failure = `${requests} requests answered ${JSON.stringify(statuses)}`;
      }
    }
  } finally {
    watching = false;
    await watcher;
    await stop(child);
  }
  if (figures.failure) console.error(`  demo: ${figures.failure}\n${output.slice(-2000)}`);
  return figures;
}

/** {@link measureDemo} `starts` times in a row. */
async function measureStarts(redis: PrivateRedis, accessToken: string): Promise<DemoFigures[]> {
  const all: DemoFigures[] = [];
  for (let start = 0; start < starts; start += 1) {
    const figures = await measureDemo(redis, accessToken);
    all.push(figures);
    if (figures.failure) break;
  }
  return all;
}

// ---------------------------------------------------------------- one size

interface Run {
  n: number;
  empty: DemoFigures[];
  seeded?: Seeded;
  redisBefore: number;
  redisAfter: number;
  loaded: DemoFigures[];
}

async function runSize(n: number): Promise<Run> {
  console.log(`bench:scale: N = ${n.toLocaleString('en')} (${(2 * n).toLocaleString('en')} revocations)`);
  const redis = await startRedis();
  try {
    // A seeding run of nothing: an access token for the instance on the empty store.
    const { accessToken: tokenForEmpty } = await seed(redis.url, 0);
    console.log('  fresh instance, empty store');
    const empty = await measureStarts(redis, tokenForEmpty);
    const redisBefore = (await redisMemory(redis.client)).used;
    const seeded = await seed(redis.url, n);
    const redisAfter = (await redisMemory(redis.client)).used;
    console.log(
      `  seeded in ${seeded.seconds.toFixed(1)} s; Redis used_memory ${mb(redisBefore)} -> ${mb(redisAfter)} MB; fresh instance`,
    );
    const loaded = await measureStarts(redis, seeded.accessToken);
    return { n, empty, seeded, redisBefore, redisAfter, loaded };
  } finally {
    await redis.close();
  }
}

// ---------------------------------------------------------------- report

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median time to the first 200 over the starts, their range, and what they answered before it. */
function served(all: readonly DemoFigures[]): string {
  const failed = all.find((figures) => figures.failure);
  if (failed) return `never (${failed.failure?.split('\n')[0]})`;
  const seconds = all.map((figures) => figures.firstServedMs! / 1000);
  const before: Record<string, number> = {};
  for (const figures of all) {
    for (const [status, count] of Object.entries(figures.before)) before[status] = (before[status] ?? 0) + count;
  }
  const answers = Object.entries(before)
    .map(([status, count]) => `${count} x ${status}`)
    .join(', ');
  const range =
    all.length > 1
      ? `${Math.min(...seconds).toFixed(2)}-${Math.max(...seconds).toFixed(2)} s over ${all.length} starts`
      : '1 start';
  return `${median(seconds).toFixed(2)} s (${range}${answers ? `; before it: ${answers}` : ''})`;
}

/** Median of a figure over the starts that have it. */
function rssText(all: readonly DemoFigures[], figure: 'rssServingMb' | 'rssAfterRequestsMb'): string {
  const values = all.map((figures) => figures[figure]).filter((value): value is number => value !== undefined);
  return values.length === 0 ? '-' : median(values).toFixed(0);
}

function table(runs: readonly Run[]): string {
  const head = `| figure | ${runs.map((run) => `N = ${run.n.toLocaleString('en')}`).join(' | ')} |`;
  const row = (name: string, cell: (run: Run) => string) => `| ${name} | ${runs.map(cell).join(' | ')} |`;
  let commit = 'unknown';
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    commit = git('rev-parse', '--short', 'HEAD').trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no', 'libs', 'apps');
    if (dirty.trim()) commit += ' (with uncommitted changes in libs/ or apps/)';
  } catch {
    // not a git checkout
  }
  let redisVersion = 'redis-server';
  try {
    redisVersion = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
    redisVersion = `redis-server ${redisVersion}`;
  } catch {
    // reported as is
  }
  return [
    `Machine: ${machine()}. ${versions(['@nestjs/core', 'fastify', 'ioredis'])}, ${redisVersion}. Code: ${commit}.`,
    `Command: ${commandLine()}`,
    '',
    `N revoked sessions and N revoked refresh jtis (30-day lifetimes) seeded through RevocationService with ${concurrency} ` +
      `calls in flight into a private Redis (\`--maxmemory ${redisMaxMemory}\`), ` +
      (spreadDays > 0
        ? `spread over the last ${spreadDays} days in hourly-or-coarser batches (the last batch, about 2N / batches, made now)`
        : 'all made now') +
      `; then a fresh demo instance (Fastify, REDIS_URL) polled with GET /protected every ${POLL_MS} ms from its spawn ` +
      `(medians of ${starts} starts in a row).`,
    '',
    head,
    `|---|${runs.map(() => '---:').join('|')}|`,
    row('fresh instance, empty store: first 200 on GET /protected', (run) => served(run.empty)),
    row('fresh instance, empty store: RSS serving, MB', (run) => rssText(run.empty, 'rssServingMb')),
    row('seeding: time (revocations/s)', (run) =>
      run.seeded
        ? `${run.seeded.seconds.toFixed(0)} s (${Math.round((2 * run.n) / run.seeded.seconds).toLocaleString('en')}/s)`
        : '-',
    ),
    row('seeding: batches (revocations made in the last one)', (run) =>
      run.seeded ? `${run.seeded.batches} (${run.seeded.inWindow.toLocaleString('en')})` : '-',
    ),
    row('Redis used_memory before / after seeding, MB', (run) => `${mb(run.redisBefore)} / ${mb(run.redisAfter)}`),
    row(
      '**Redis bytes per revocation**',
      (run) => `**${((run.redisAfter - run.redisBefore) / (2 * run.n)).toFixed(0)}**`,
    ),
    row('**fresh instance: first 200 on GET /protected**', (run) => `**${served(run.loaded)}**`),
    row('**fresh instance: RSS once serving, MB**', (run) => `**${rssText(run.loaded, 'rssServingMb')}**`),
    row(`fresh instance: RSS after ${requests} requests, MB`, (run) => rssText(run.loaded, 'rssAfterRequestsMb')),
    row('Redis used_memory, highest while the instance started, MB', (run) =>
      mb(Math.max(...run.loaded.map((figures) => figures.redisUsedDuringStart))),
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (const n of sizes) runs.push(await runSize(n));
  const text = table(runs);
  console.log(`\n${text}`);
  if (process.env.SCALE_OUT) writeOutput(process.env.SCALE_OUT, `${text}\n`);
  const failed = runs.filter((run) => [...run.empty, ...run.loaded].some((figures) => figures.failure));
  if (failed.length > 0) {
    console.error(`bench:scale: ${failed.length} size(s) did not serve every request (see the table)`);
    process.exitCode = 1;
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    reapAll();
    // ioredis reconnect timers or a stuck request must not keep the bench alive.
    setTimeout(() => process.exit(), 1000).unref();
  });
