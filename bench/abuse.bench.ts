/**
 * What refusing abuse costs the server (issue 24): CPU of the demo process (utime + stime from /proc/<pid>/stat,
 * read before and after each batch, so the client's work is not counted), per request, for
 * - GET /public, the baseline;
 * - POST /login refused by the throttle (429), after the username was locked out, and a failed login (401, argon2);
 * - a GraphQL query without a token refused (UNAUTHENTICATED) with 1 alias and with 6,000 aliases of the guarded `me`
 *   field (a ~80 KB body), with the demo's document limits on (the parser stops at its token cap) and off
 *   (GRAPHQL_LIMITS=false: every alias reaches the guard, which decides once per operation).
 * Requests are sent one at a time on a keep-alive connection. Linux only (/proc).
 *
 *   npm run build && npm run build:bench && node dist/bench-build/bench/abuse.bench.js
 *
 * ABUSE_ADAPTER (express), ABUSE_REQUESTS (2000 per batch; the 6,000-alias ones send a tenth), ABUSE_OUT (a Markdown
 * file), REDIS_URL (counters in Redis instead of memory).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchApp, startBenchApp } from './bench-app-process.js';
import { commandLine, machine, REPO_ROOT, versions, writeOutput } from './bench-report.js';

const ADAPTER = process.env.ABUSE_ADAPTER ?? 'express';
const REQUESTS = Number(process.env.ABUSE_REQUESTS ?? 2000);
const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

type Demo = BenchApp;

const DEMO = join(REPO_ROOT, 'dist/apps/demo/main.js');

// The demo itself (the bench app has no GraphQL), started and awaited as every bench starts its app.
const startDemo = (env: Record<string, string>): Promise<Demo> =>
  startBenchApp({ env: { HTTP_ADAPTER: ADAPTER, ...env }, startTimeoutMs: 60_000, main: DEMO });

/** CPU seconds the process has used so far, user and system. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

interface Send {
  (): Promise<number>;
}

/** Microseconds of server CPU per request over `count` requests, after a warm-up; every answer must be `status`. */
async function cpuPerRequest(demo: Demo, send: Send, count: number, status: number, warmUp = 50): Promise<number> {
  for (let i = 0; i < warmUp; i += 1) await expectStatus(send, status);
  await sleep(200);
  const before = cpuSeconds(demo.child.pid!);
  for (let i = 0; i < count; i += 1) await expectStatus(send, status);
  return ((cpuSeconds(demo.child.pid!) - before) / count) * 1e6;
}

async function expectStatus(send: Send, status: number): Promise<void> {
  const got = await send();
  if (got !== status) throw new Error(`expected ${status}, got ${got}`);
}

function post(url: string, body: string): Send {
  return async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.arrayBuffer();
    return response.status;
  };
}

/** A query of `aliases` aliases of the guarded `me` field, short alias names so 6,000 fit in Express' 100 KB. */
function aliasQuery(aliases: number): string {
  const fields = Array.from({ length: aliases }, (_, i) => `x${i.toString(36)}:me{fresh}`).join(' ');
  return JSON.stringify({ query: `{${fields}}` });
}

async function measure(env: Record<string, string>, rows: Array<[string, number]>, graphqlOnly: boolean) {
  const demo = await startDemo(env);
  try {
    const get: Send = async () => {
      const response = await fetch(`${demo.url}/public`);
      await response.arrayBuffer();
      return response.status;
    };
    const suffix = graphqlOnly ? ' (GRAPHQL_LIMITS=false)' : '';
    if (!graphqlOnly) {
      rows.push(['GET /public', await cpuPerRequest(demo, get, REQUESTS, 200)]);
      const wrong = JSON.stringify({ username: 'test', password: 'wrong' });
      const login = post(`${demo.url}/login`, wrong);
      // Failures 1-5 (one warm-up, three measured, one more): the 6th attempt is the first refused.
      rows.push(['POST /login, wrong password (401, argon2)', await cpuPerRequest(demo, login, 3, 401, 1)]);
      await expectStatus(login, 401);
      // The 6th attempt and every later one within the window: 429 before argon2.
      rows.push(['POST /login, throttled (429)', await cpuPerRequest(demo, login, REQUESTS, 429)]);
    }
    const graphql = `${demo.url}/graphql`;
    const one = await cpuPerRequest(demo, post(graphql, aliasQuery(1)), REQUESTS, 200);
    const many = await cpuPerRequest(
      demo,
      post(graphql, aliasQuery(6000)),
      Math.max(10, REQUESTS / 10),
      graphqlOnly ? 200 : 400,
    );
    rows.push([`GraphQL without a token, 1 alias${suffix}`, one]);
    rows.push([`GraphQL without a token, 6,000 aliases${suffix}`, many]);
  } finally {
    demo.child.kill('SIGKILL');
  }
}

const rows: Array<[string, number]> = [];
const redis: Record<string, string> = process.env.REDIS_URL
  ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `abuse-bench-${process.pid}:` }
  : {};
// One address sends every attempt: its ceiling is raised so that the username's lockout is what answers.
await measure({ ...redis, JWT_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000000' }, rows, false);
await measure({ ...redis, GRAPHQL_LIMITS: 'false' }, rows, true);
const base = rows[0]![1];
const lines = [
  `# Refusing abuse: server CPU per request (${ADAPTER}${process.env.REDIS_URL ? ', counters in Redis' : ', counters in memory'})`,
  '',
  `Machine: ${machine()}. ${versions(['@nestjs/core', 'graphql', '@apollo/server', 'rate-limiter-flexible'])}.`,
  `Command: ${commandLine()}. ${REQUESTS} requests per batch (a tenth for 6,000 aliases), one at a time.`,
  '',
  '| request | server CPU per request | / GET /public |',
  '|---|---:|---:|',
  ...rows.map(([name, us]) => `| ${name} | ${us.toFixed(0)} µs | ${(us / base).toFixed(2)} |`),
  '',
];
const ratio = (a: string, b: string) => rows.find(([n]) => n === a)![1] / rows.find(([n]) => n === b)![1];
lines.push(
  `Refused 6,000 aliases / refused 1 alias: ${ratio('GraphQL without a token, 6,000 aliases', 'GraphQL without a token, 1 alias').toFixed(1)}x with the demo's limits, ` +
    `${ratio('GraphQL without a token, 6,000 aliases (GRAPHQL_LIMITS=false)', 'GraphQL without a token, 1 alias (GRAPHQL_LIMITS=false)').toFixed(1)}x without them.`,
);
const report = lines.join('\n') + '\n';
process.stdout.write(report);
if (process.env.ABUSE_OUT) writeOutput(process.env.ABUSE_OUT, report);
