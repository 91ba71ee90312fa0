import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startDemo, type DemoServer } from './support/demo-server.js';
import { describeWithRedis, PrivateRedis } from './support/redis.js';
import { ADAPTERS, EVENT_BUDGET_MS, startUpTimeout } from './support/test-env.js';
import { bearer, login } from './support/tokens.js';

const describeRedis = await describeWithRedis();
/** revocationTimeoutMs: what a guarded request waits for the store, long enough to tell one wait from two under load. */
const TIMEOUT_MS = 2000;

/** Retries `probe` every 50 ms until it returns true or `ms` pass. */
async function eventually(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

// One private server for the file: @nestjs/config reads the environment once per file, so both apps share its URL.
let redis: PrivateRedis;
beforeAll(async () => {
  redis = await PrivateRedis.start();
}, startUpTimeout());
afterAll(async () => {
  await redis?.stop();
});

describeRedis.each(ADAPTERS)('when Redis goes down and comes back, on %s', (adapter) => {
  let server: DemoServer;

  beforeAll(async () => {
    server = await startDemo(adapter, {
      REDIS_URL: redis.url,
      REVOCATION_TIMEOUT_MS: String(TIMEOUT_MS),
      // No stale answers: this suite is about the bounded wait (test/chaos.e2e-spec.ts covers bounded staleness).
      REVOCATION_MAX_STALENESS_SECONDS: '0',
      REDIS_KEY_PREFIX: 'faults:',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it(
    'refuses with 503 within the timeout, never hangs, and recovers without a restart of the app',
    async () => {
      const { access } = await login(server.http);
      await server.http.get('/protected').set(bearer(access)).expect(200);

      await redis.stop();
      // The subscriber notices the dead connection on its next event-loop turn.
      expect(
        await eventually(
          async () => (await server.http.get('/protected').set(bearer(access))).status === 503,
          EVENT_BUDGET_MS,
        ),
      ).toBe(true);

      const started = Date.now();
      const refused = await server.http.get('/protected').set(bearer(access)).expect(503);
      const waited = Date.now() - started;
      expect(refused.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'Revocation state is unavailable; try again shortly',
        code: 'revocation_unavailable',
      });
      expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 50); // it waited for the store to come back...
      expect(waited).toBeLessThan(2 * TIMEOUT_MS); // ...once: for revocationTimeoutMs, not a second time
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

      // Writes fail loudly rather than pretending.
      expect((await server.http.post('/logout').set(bearer(access)).expect(503)).body.code).toBe(
        'revocation_unavailable',
      );
      expect(
        (await server.http.post('/login').send({ username: 'test', password: 'test' }).expect(503)).body.code,
      ).toBe('revocation_unavailable');
      // Routes that need no token are unaffected.
      await server.http.get('/public').expect(200);

      await redis.start();
      expect(
        await eventually(
          async () => (await server.http.get('/protected').set(bearer(access))).status === 200,
          EVENT_BUDGET_MS,
        ),
      ).toBe(true);
      const again = await login(server.http);
      await server.http.post('/logout').set(bearer(again.access)).expect(200);
      expect((await server.http.get('/protected').set(bearer(again.access)).expect(401)).body.code).toBe(
        'token_revoked',
      );
    },
    startUpTimeout(),
  ); // it starts Redis again
});
