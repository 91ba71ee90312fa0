/**
 * HTTP benchmark of the bench app (npm run bench): the built demo plus the NestJS docs' passport recipe
 * (bench/app). Each configuration runs the app in a process of its own; routes are interleaved over several rounds
 * and each route's median is compared with GET /public of the same run, because the machine is shared and noisy:
 * ratios within one run are what mean something.
 *
 * Environment: BENCH_ROUNDS (default 5), BENCH_SECONDS per route and round (default 5), BENCH_CONNECTIONS (default 10),
 * BENCH_ADAPTERS (default express,fastify), BENCH_STORES (default memory,redis), REDIS_URL, BENCH_OUT (a Markdown file),
 * BENCH_CHART (an SVG bar chart of the ratios; default bench/results/ratios.svg), BENCH_WARMUP_SECONDS (default 1: every
 * route once, not counted, before the first round, so the baseline that opens each round is not the only cold one).
 */
import { cpus } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import autocannon from 'autocannon';
import {
  BASELINE,
  DOCS_RECIPE,
  headersFor,
  login,
  preflight,
  PROTECTED,
  type Route,
  ROUTES,
  startBenchApp,
  type Tokens,
} from './bench-app-process.js';
import { commandLine, machine, median, REPO_ROOT, versions, writeOutput } from './bench-report.js';
import { type ChartGroup, ratioChartSvg } from './ratio-chart.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const adapters = (process.env.BENCH_ADAPTERS ?? 'express,fastify').split(',');
const stores = (process.env.BENCH_STORES ?? 'memory,redis').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const chartPath = process.env.BENCH_CHART
  ? resolve(process.env.BENCH_CHART)
  : resolve(REPO_ROOT, 'bench/results/ratios.svg');
/** Where the chart's 0.90 line is: the share of GET /public a guarded route should keep. */
const CHART_MARKER = 0.9;
/** What GET /protected should reach against the docs' recipe (reported, not enforced). */
const DOCS_RECIPE_TARGET = 3.5;
const NAME_WIDTH = Math.max(...ROUTES.map((route) => route.name.length));

async function run(
  url: string,
  route: Route,
  tokens: Tokens,
  duration = seconds,
): Promise<{ rps: number; non2xx: number }> {
  const result = await autocannon({
    url: `${url}${route.path}`,
    method: route.method,
    connections,
    duration,
    headers: headersFor(route, tokens),
  });
  return { rps: result.requests.average, non2xx: result.non2xx };
}

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
      const app = await startBenchApp({ env });
      try {
        const tokens = await login(app.url);
        await preflight(app.url, tokens);
        if (warmupSeconds > 0) for (const route of ROUTES) await run(app.url, route, tokens, warmupSeconds);
        const results = new Map<string, { rps: number[]; non2xx: number }>();
        for (let round = 0; round < rounds; round += 1) {
          for (const route of ROUTES) {
            const { rps, non2xx } = await run(app.url, route, tokens);
            const entry = results.get(route.name) ?? { rps: [], non2xx: 0 };
            entry.rps.push(rps);
            entry.non2xx += non2xx;
            results.set(route.name, entry);
          }
        }
        const baseline = median(results.get(BASELINE)!.rps);
        for (const route of ROUTES) {
          const entry = results.get(route.name)!;
          const row = {
            adapter,
            store,
            route: route.name,
            median: median(entry.rps),
            ratio: median(entry.rps) / baseline,
            runs: entry.rps,
            non2xx: entry.non2xx,
          };
          rows.push(row);
          console.log(
            `${adapter.padEnd(8)} ${store.padEnd(7)} ${route.name.padEnd(NAME_WIDTH)} ${row.median.toFixed(0).padStart(7)} req/s  x${row.ratio.toFixed(2)}  non2xx=${row.non2xx}`,
          );
        }
      } finally {
        app.child.kill('SIGTERM');
      }
    }
  }

  const configurations = [...new Set(rows.map((row) => `${row.adapter}\t${row.store}`))].map(
    (key) => key.split('\t') as [string, string],
  );
  const find = (adapter: string, store: string, route: string) =>
    rows.find((row) => row.adapter === adapter && row.store === store && row.route === route)!;
  const method = `${rounds} round(s) x ${seconds} s per route after a ${warmupSeconds} s warm-up of each, ${connections} connections, routes interleaved (GET /public first); medians.`;
  const table = [
    `Command: ${commandLine()}`,
    '',
    `Machine: ${machine()}.`,
    '',
    `Versions: ${versions(['@nestjs/core', '@nestjs/platform-express', '@nestjs/platform-fastify', '@nestjs/passport', '@nestjs/jwt', 'passport', 'passport-jwt', 'jsonwebtoken', 'autocannon'])}.`,
    '',
    method,
    '',
    '| adapter | store | route | median req/s | / GET /public | non-2xx |',
    '|---|---|---|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.adapter} | ${row.store} | ${row.route} | ${row.median.toFixed(0)} | ${row.ratio.toFixed(2)} | ${row.non2xx} |`,
    ),
    '',
    `GET /protected against the docs' passport recipe (target >= ${DOCS_RECIPE_TARGET.toFixed(1)}x, reported, not enforced):`,
    '',
    '| adapter | store | GET /protected req/s | docs recipe req/s | GET /protected / docs recipe |',
    '|---|---|---:|---:|---:|',
    ...configurations.map(([adapter, store]) => {
      const ours = find(adapter, store, PROTECTED);
      const docs = find(adapter, store, DOCS_RECIPE);
      return `| ${adapter} | ${store} | ${ours.median.toFixed(0)} | ${docs.median.toFixed(0)} | ${(ours.median / docs.median).toFixed(2)} |`;
    }),
  ].join('\n');
  console.log(`\n${table}`);

  const groups: ChartGroup[] = configurations.map(([adapter, store]) => ({
    label: `${adapter} / ${store}`,
    bars: ROUTES.filter((route) => route.name !== BASELINE).map((route) => ({
      label: route.name,
      ratio: find(adapter, store, route.name).ratio,
    })),
  }));
  writeOutput(
    chartPath,
    ratioChartSvg(groups, {
      title: 'Throughput of each route / GET /public (same run; higher is better)',
      subtitle: `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}; ${rounds} round(s) x ${seconds} s per route, ${connections} connections; medians`,
      marker: CHART_MARKER,
      markerLabel: `${CHART_MARKER.toFixed(2)}`,
    }),
  );
  console.log(`\nChart: ${chartPath}`);
  if (process.env.BENCH_OUT) {
    const out = resolve(process.env.BENCH_OUT);
    writeOutput(out, `${table}\n\n![Ratios to GET /public](${relative(dirname(out), chartPath)})\n`);
    console.log(`Table: ${out}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
