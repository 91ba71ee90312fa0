/**
 * Server-side instructions per request (npm run bench): the bench app serves real HTTP on loopback under
 * `valgrind --tool=callgrind`, and callgrind counts the instructions the server process executes for N requests of
 * one route. Counts do not depend on what else the machine is doing, so they separate a few percent of cost where the
 * req/s figures of bench/http.bench.ts cannot (their run-to-run noise is about +-9 % on this shared machine).
 *
 * The client runs in this process, outside valgrind: one keep-alive connection, requests one after the other. The
 * server runs with V8's background threads off (`--single-threaded`) and without its time-driven work (memory reducer,
 * bytecode flushing), which would fire fifty times as often per request under valgrind's slowdown. Instrumentation is
 * switched on after a warm-up; each round zeroes the counters, sends the requests and dumps the total. Kernel time (the
 * socket calls themselves) is not counted. Each counted batch follows an uncounted quarter-batch of the same route, so
 * a route does not pay for collecting the garbage of the one before it.
 *
 * Environment: INSTR_ADAPTERS (default express,fastify), INSTR_REQUESTS per route and round (default 2000; the docs'
 * recipe gets a tenth, it is slow), INSTR_ROUNDS (default 5), INSTR_WARMUP requests per route (default 3000),
 * INSTR_OUT (a Markdown file), INSTR_KEEP=1 (keep the callgrind dumps, one per batch, for `callgrind_annotate`: which
 * builtins and runtime functions a route adds; the directory is printed), INSTR_NODE_FLAGS (more flags for the server's
 * node, e.g. --perf-basic-prof to name its JIT code).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASELINE,
  DOCS_RECIPE,
  GUARD_ALONE,
  headersFor,
  login,
  OPEN_WITH_HEADER,
  preflight,
  type Route,
  ROUTES,
  startBenchApp,
  type Tokens,
} from './bench-app-process.js';
import { commandLine, machine, median, versions, writeOutput } from './bench-report.js';

const adapters = (process.env.INSTR_ADAPTERS ?? 'express,fastify').split(',');
const requests = Number(process.env.INSTR_REQUESTS ?? 2000);
const rounds = Number(process.env.INSTR_ROUNDS ?? 5);
const warmup = Number(process.env.INSTR_WARMUP ?? 3000);
const NODE_FLAGS = ['--single-threaded', '--no-memory-reducer', '--no-flush-bytecode'];
// E.g. --perf-basic-prof, so that /tmp/perf-<pid>.map names the JIT code callgrind lists as bare addresses.
const extraNodeFlags = (process.env.INSTR_NODE_FLAGS ?? '').split(' ').filter(Boolean);

function requestsFor(route: Route, base: number): number {
  return route.name === DOCS_RECIPE ? Math.max(10, Math.round(base / 10)) : base;
}

/** Sends `count` requests one after the other on one keep-alive connection; every answer must be 2xx. */
async function send(url: string, route: Route, tokens: Tokens, count: number, agent: Agent): Promise<void> {
  const headers = headersFor(route, tokens);
  for (let i = 0; i < count; i += 1) {
    await new Promise<void>((resolve, reject) => {
      const outgoing = request(`${url}${route.path}`, { method: route.method, headers, agent }, (response) => {
        const ok = response.statusCode! >= 200 && response.statusCode! < 300;
        let body = '';
        // The body of a failure says which refusal it was (a code, never a token); a success's is not read.
        if (ok) response.resume();
        else response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          if (ok) resolve();
          else
            reject(new Error(`${route.name} answered ${response.statusCode} (request ${i + 1} of ${count}): ${body}`));
        });
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  }
}

function callgrindControl(option: string, pid: number): void {
  execFileSync('callgrind_control', [option, String(pid)], { stdio: 'ignore' });
}

/** The instruction total of dump number `part` (callgrind numbers them from 1, one per `--dump`). */
function dumpTotal(dir: string, pid: number, part: number): number {
  const name = `callgrind.out.${pid}.${part}`;
  const total = /^(?:totals|summary): (\d+)/m.exec(readFileSync(join(dir, name), 'utf8'));
  if (!total) throw new Error(`no total in ${name}`);
  return Number(total[1]);
}

interface Row {
  adapter: string;
  route: string;
  perRequest: number[];
}

async function measure(adapter: string): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'instructions-bench-'));
  const app = await startBenchApp({
    env: { HTTP_ADAPTER: adapter },
    wrapper: [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      '--dump-instr=no',
      `--callgrind-out-file=${join(dir, 'callgrind.out.%p')}`,
    ],
    nodeFlags: [...NODE_FLAGS, ...extraNodeFlags],
    startTimeoutMs: 600_000,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const tokens = await login(app.url);
    await preflight(app.url, tokens);
    for (const route of ROUTES) await send(app.url, route, tokens, requestsFor(route, warmup), agent);
    callgrindControl('--instr=on', app.child.pid!);
    const rows = ROUTES.map((route) => ({ adapter, route: route.name, perRequest: [] as number[] }));
    let dumps = 0;
    for (let round = 0; round < rounds; round += 1) {
      for (const [index, route] of ROUTES.entries()) {
        const count = requestsFor(route, requests);
        // Uncounted first, so the garbage the previous route left is collected before the count starts, not in it.
        await send(app.url, route, tokens, Math.ceil(count / 4), agent);
        callgrindControl('--zero', app.child.pid!);
        await send(app.url, route, tokens, count, agent);
        callgrindControl('--dump', app.child.pid!);
        dumps += 1;
        rows[index]!.perRequest.push(dumpTotal(dir, app.child.pid!, dumps) / count);
      }
    }
    for (const row of rows) {
      console.log(
        `${adapter.padEnd(8)} ${row.route.padEnd(56)} ${(median(row.perRequest) / 1000).toFixed(1).padStart(8)}k instructions/request`,
      );
    }
    return rows;
  } finally {
    agent.destroy();
    app.child.kill('SIGTERM');
    await new Promise((resolve) => app.child.once('exit', resolve));
    if (process.env.INSTR_KEEP === '1')
      console.log(`${adapter}: callgrind dumps kept in ${dir} (part n = round * ${ROUTES.length} + route + 1)`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('valgrind is not installed (apt-get install valgrind): the instruction counts need callgrind');
  }
  const rows: Row[] = [];
  for (const adapter of adapters) rows.push(...(await measure(adapter)));

  const thousands = (value: number) => (value / 1000).toFixed(1);
  const table = [
    `Command: ${commandLine()}`,
    '',
    `Machine: ${machine()}. ${execFileSync('valgrind', ['--version']).toString().trim()}.`,
    '',
    `Versions: ${versions(['@nestjs/core', '@nestjs/platform-express', '@nestjs/platform-fastify'])}.`,
    '',
    `Server under callgrind (node ${NODE_FLAGS.join(' ')}); ${rounds} round(s) of ${requests.toLocaleString('en')} requests per route ` +
      `(the docs' recipe ${requestsFor(
        ROUTES.find((route) => route.name === DOCS_RECIPE)!,
        requests,
      )}) after ` +
      `${warmup.toLocaleString('en')} uncounted ones (and a quarter as many before each batch), one keep-alive connection, routes interleaved; medians of the rounds.`,
    '',
    '| adapter | route | instructions per request | min of rounds | over GET /public | GET /public / route |',
    '|---|---|---:|---:|---:|---:|',
    ...rows.map((row) => {
      const baseline = median(
        rows.find((other) => other.adapter === row.adapter && other.route === BASELINE)!.perRequest,
      );
      const cost = median(row.perRequest);
      return `| ${row.adapter} | ${row.route} | ${thousands(cost)}k | ${thousands(Math.min(...row.perRequest))}k | ${thousands(cost - baseline)}k | ${(baseline / cost).toFixed(3)} |`;
    }),
    '',
    // The guard's own cost: the guarded route minus the open one, both sent with the same Authorization header, so the
    // header's parsing is in both. The min of rounds as well as the median: GC noise lands in single rounds.
    ...adapters.map((adapter) => {
      const of = (name: string) => rows.find((row) => row.adapter === adapter && row.route === name)!.perRequest;
      const guarded = of(GUARD_ALONE);
      const open = of(OPEN_WITH_HEADER);
      return (
        `The guard alone on ${adapter} (${GUARD_ALONE} minus ${OPEN_WITH_HEADER}): ` +
        `${thousands(median(guarded) - median(open))}k instructions (medians), ` +
        `${thousands(Math.min(...guarded) - Math.min(...open))}k (mins of rounds).`
      );
    }),
  ].join('\n');
  console.log(`\n${table}`);
  if (process.env.INSTR_OUT) writeOutput(process.env.INSTR_OUT, `${table}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
