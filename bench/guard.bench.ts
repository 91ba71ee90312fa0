/**
 * The cost of one JwtAuthGuard.canActivate with a cached token, in process (npm run bench): the demo app is built,
 * a session started, and the guard called with a minimal execution context. What a guarded request pays on top of
 * the framework. Environment: GUARD_CALLS (default 300000), GUARD_ROUNDS (default 5), GUARD_OUT (a Markdown file).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const calls = Number(process.env.GUARD_CALLS ?? 300_000);
const rounds = Number(process.env.GUARD_ROUNDS ?? 5);

async function main(): Promise<void> {
  process.env.JWT_SECRET_KEY ??= 'guard-bench-secret-that-is-long-enough-0123456789';
  const root = process.cwd();
  const { createDemoApp } = await import(pathToFileURL(resolve(root, 'dist/apps/demo/demo-app.factory.js')).href);
  const library = await import(pathToFileURL(resolve(root, 'libs/auth/dist/index.js')).href);
  const app = await createDemoApp('fastify', { logger: false });
  await app.init();
  const { accessToken } = await app.get(library.SessionService).start('test');
  const guard = app.get(library.JwtAuthGuard);
  class Controller {
    handler(): void {}
  }
  const authorization = `Bearer ${accessToken}`;
  const context = (request: object) => ({
    getHandler: () => Controller.prototype.handler,
    getClass: () => Controller,
    getType: () => 'http',
    getArgByIndex: (index: number) => (index === 0 ? request : {}),
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  });

  const perCall: number[] = [];
  for (let round = 0; round <= rounds; round += 1) {
    const started = performance.now();
    for (let i = 0; i < calls; i += 1) await guard.canActivate(context({ headers: { authorization } }));
    if (round > 0) perCall.push(((performance.now() - started) * 1000) / calls); // round 0 warms up
  }
  const baselineStarted = performance.now();
  for (let i = 0; i < calls; i += 1) await Promise.resolve(context({ headers: { authorization } }));
  const harness = ((performance.now() - baselineStarted) * 1000) / calls;
  await app.close();

  const sorted = [...perCall].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const table = [
    `Node ${process.version}; ${rounds} rounds of ${calls.toLocaleString('en')} calls after a warm-up round; the same token each time (a cache hit).`,
    '',
    '| figure | µs per call |',
    '|---|---:|',
    `| JwtAuthGuard.canActivate, median | ${median.toFixed(2)} |`,
    `| of which the harness (context, request, await) | ${harness.toFixed(2)} |`,
  ].join('\n');
  console.log(table);
  if (process.env.GUARD_OUT) writeFileSync(process.env.GUARD_OUT, `${table}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
