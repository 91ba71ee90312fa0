/** The secret the e2e apps run with, so tests can forge tokens the way an attacker with the key could. */
export const TEST_SECRET = 'e2e-test-secret-that-is-long-enough-0123456789';

/** Both platforms every e2e suite runs on. */
export const ADAPTERS = ['express', 'fastify'] as const;

/**
 * How long a helper waits for a process it spawned (the built demo, a redis-server, a Sentinel, a Redis Cluster) to
 * say it is ready before it gives up, kills it and fails: what a loaded 2-core CI machine meets, with several suites
 * starting apps at once. A start-up that takes longer is broken, not slow.
 */
export const STARTUP_BUDGET_MS = 60_000;

/**
 * How long a test waits for something that follows at once from what it did (a revocation delivered to another
 * instance, a socket closed, an instance serving again once Redis is back): far more than a loaded machine takes. It
 * only bounds the wait, so that a broken behaviour fails here rather than at jest's timeout; it proves nothing about
 * speed, which the benchmarks measure (`npm run bench`, `npm run bench:outage`).
 */
export const EVENT_BUDGET_MS = 10_000;

/**
 * The jest timeout of a hook or test that waits for `startUps` start-ups one after the other (those started together
 * count once): each one's {@link STARTUP_BUDGET_MS}, so that a start-up that gives up fails with its own output rather
 * than jest's "Exceeded timeout", and `moreMs` for the rest of its work.
 */
export function startUpTimeout(startUps = 1, moreMs = 30_000): number {
  return startUps * STARTUP_BUDGET_MS + moreMs;
}
