/**
 * RSS of one demo instance whose local revocation view holds 1,000,000 revoked jtis (npm run bench). The jtis arrive
 * as the store's feed delivers them (one parsed JSON message each); RSS is read once garbage collection has settled (5 s idle).
 * Run with --expose-gc. Environment: MEMORY_JTIS (default 1000000), HTTP_ADAPTER (default express), MEMORY_OUT.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const count = Number(process.env.MEMORY_JTIS ?? 1_000_000);
const adapter = process.env.HTTP_ADAPTER ?? 'express';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

// A steady-state instance: collect, then give V8's memory reducer the few idle seconds it takes to return pages.
const settle = async () => {
  for (let i = 0; i < 10; i += 1) {
    gc();
    await new Promise((done) => setTimeout(done, 500));
  }
};
const mb = (bytes: number) => Math.round(bytes / 1048576);

async function main(): Promise<void> {
  process.env.JWT_SECRET_KEY ??= 'memory-bench-secret-that-is-long-enough-0123456789';
  const root = process.cwd();
  const { createDemoApp } = await import(pathToFileURL(resolve(root, 'dist/apps/demo/demo-app.factory.js')).href);
  // The view is internal; the built library file is the same module instance the demo uses.
  const { RevocationView } = await import(
    pathToFileURL(resolve(root, 'libs/auth/dist/revocation/revocation-view.js')).href
  );
  const app = await createDemoApp(adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  await settle();
  const baseline = process.memoryUsage().rss;

  const view = app.get(RevocationView);
  const expiresAt = Math.floor(Date.now() / 1000) + 900;
  for (let i = 0; i < count; i += 1) {
    view.revoked(JSON.parse(`{"kind":"token","id":"${randomUUID()}","expiresAt":${expiresAt}}`));
  }
  await settle();
  const loaded = process.memoryUsage();
  await app.close();

  const table = [
    `Node ${process.version}, ${adapter}; ${count.toLocaleString('en')} revoked jtis delivered to the local view; RSS after 5 s of idle GC.`,
    '',
    '| figure | MB |',
    '|---|---:|',
    `| RSS of the demo, empty view | ${mb(baseline)} |`,
    `| RSS with ${count.toLocaleString('en')} revoked jtis | ${mb(loaded.rss)} |`,
    `| of which the view (RSS difference) | ${mb(loaded.rss - baseline)} |`,
    `| V8 heap used | ${mb(loaded.heapUsed)} |`,
  ].join('\n');
  console.log(table);
  if (process.env.MEMORY_OUT) writeFileSync(process.env.MEMORY_OUT, `${table}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
