/**
 * Server-side cost per request, in process (npm run bench): the bench app on Fastify, requests injected with
 * `fastify.inject()` (no sockets, no load generator sharing the two cores), routes interleaved over rounds, medians.
 * What each route costs the server beside GET /public, without the HTTP benchmark's client and kernel noise.
 * Environment: INJECT_REQUESTS per route and round (default 2000), INJECT_ROUNDS (default 15), INJECT_OUT (Markdown).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './bench-report.js';

const requests = Number(process.env.INJECT_REQUESTS ?? 2000);
const rounds = Number(process.env.INJECT_ROUNDS ?? 15);

interface InjectResponse {
  statusCode: number;
  json(): { access_token: string };
}
interface FastifyLike {
  ready(): Promise<unknown>;
  inject(options: { method: string; url: string; headers?: Record<string, string>; payload?: object }): Promise<InjectResponse>;
}

async function main(): Promise<void> {
  process.env.JWT_SECRET_KEY ??= 'inject-bench-secret-that-is-long-enough-0123456789';
  const root = process.cwd();
  const { NestFactory } = await import('@nestjs/core');
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const { BenchAppModule } = await import(pathToFileURL(resolve(root, 'dist/bench-build/bench/app/bench-app.module.js')).href);
  const app = await NestFactory.create(BenchAppModule, new FastifyAdapter(), { logger: false });
  await app.init();
  const fastify = app.getHttpAdapter().getInstance() as FastifyLike;
  await fastify.ready();
  const login = await fastify.inject({ method: 'POST', url: '/login', payload: { username: 'test', password: 'test' } });
  const authorization = { authorization: `Bearer ${login.json().access_token}` };

  const routes = [
    { name: 'GET /public', url: '/public', headers: {} },
    { name: 'GET /public + Authorization header', url: '/public', headers: authorization },
    { name: 'GET /bench/guarded-hello (the guard alone)', url: '/bench/guarded-hello', headers: authorization },
    { name: 'GET /protected', url: '/protected', headers: authorization },
  ];
  const perRequest = routes.map(() => [] as number[]);
  // Two warm-up rounds, not counted; then every route once per round, in the same order.
  for (let round = -2; round < rounds; round += 1) {
    for (const [index, route] of routes.entries()) {
      const started = performance.now();
      for (let i = 0; i < requests; i += 1) {
        const response = await fastify.inject({ method: 'GET', url: route.url, headers: route.headers });
        if (response.statusCode !== 200) throw new Error(`${route.url} answered ${response.statusCode}`);
      }
      if (round >= 0) perRequest[index]!.push(((performance.now() - started) * 1000) / requests);
    }
  }
  await app.close();

  const baseline = median(perRequest[0]!);
  const table = [
    `Node ${process.version}, Fastify, fastify.inject(); ${rounds} rounds of ${requests.toLocaleString('en')} requests per route after 2 warm-up rounds, routes interleaved; medians.`,
    '',
    '| route | µs per request | over GET /public, µs | GET /public / route |',
    '|---|---:|---:|---:|',
    ...routes.map((route, index) => {
      const cost = median(perRequest[index]!);
      return `| ${route.name} | ${cost.toFixed(2)} | ${(cost - baseline).toFixed(2)} | ${(baseline / cost).toFixed(3)} |`;
    }),
  ].join('\n');
  console.log(table);
  if (process.env.INJECT_OUT) writeFileSync(process.env.INJECT_OUT, `${table}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
