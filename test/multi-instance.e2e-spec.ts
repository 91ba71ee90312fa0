import { afterAll, beforeAll, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from './support/redis.js';
import { ADAPTERS, EVENT_BUDGET_MS, startUpTimeout } from './support/test-env.js';
import { bearer, login } from './support/tokens.js';

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('multi');

describeRedis.each(ADAPTERS)('two demo instances sharing one Redis, on %s', (adapter) => {
  let a: DemoProcess;
  let b: DemoProcess;

  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: `${prefix}${adapter}:`, HTTP_ADAPTER: adapter };
    [a, b] = await Promise.all([DemoProcess.start(env), DemoProcess.start(env)]);
  }, startUpTimeout());
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await deleteKeys(prefix);
  });

  /**
   * Polls `url` every 5 ms until it refuses `token` (401) and returns the body of that refusal. The revocation was made
   * on the other instance, and an access token is never looked up in Redis: only the feed brings it here, and without
   * it the token would pass until it expires. {@link EVENT_BUDGET_MS} bounds the wait; how long it took is logged, not
   * asserted (speed is measured in benchmarks).
   */
  async function refusedOn(url: string, token: string, what: string): Promise<{ code: string }> {
    const started = performance.now();
    for (;;) {
      const res = await request(url).get('/protected').set(bearer(token));
      if (res.status === 401) {
        console.log(`[${adapter}] ${what} after ${(performance.now() - started).toFixed(1)} ms`);
        return res.body;
      }
      if (performance.now() - started > EVENT_BUDGET_MS)
        throw new Error(`${what}: still accepted after ${EVENT_BUDGET_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('enforces on B a logout made on A, through the feed', async () => {
    const tokens = await login(request(a.url));
    await request(b.url).get('/protected').set(bearer(tokens.access)).expect(200);

    await request(a.url).post('/logout').set(bearer(tokens.access)).expect(200);
    const { code } = await refusedOn(b.url, tokens.access, 'logout on A refused on B');
    expect(code).toBe('token_revoked');
    await request(b.url).post('/refresh').set(bearer(tokens.refresh)).expect(401);
  });

  it('enforces on A a logout-all made on B, through the feed, for tokens minted on either', async () => {
    const onA = await login(request(a.url));
    const onB = await login(request(b.url));
    await request(b.url).post('/logout/all').set(bearer(onB.access)).expect(200);
    expect((await refusedOn(a.url, onA.access, 'logout-all on B refused on A')).code).toBe('token_revoked');
  });

  it(
    'loads revocations made before it started',
    async () => {
      const tokens = await login(request(a.url));
      await request(a.url).post('/logout').set(bearer(tokens.access)).expect(200);
      const late = await DemoProcess.start({
        REDIS_URL,
        REDIS_KEY_PREFIX: `${prefix}${adapter}:`,
        HTTP_ADAPTER: adapter,
      });
      try {
        expect((await request(late.url).get('/protected').set(bearer(tokens.access)).expect(401)).body.code).toBe(
          'token_revoked',
        );
      } finally {
        await late.stop();
      }
    },
    startUpTimeout(),
  );
});
