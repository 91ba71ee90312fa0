import { afterAll, beforeAll, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from './support/redis.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer, login } from './support/tokens.js';

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('multi');

describeRedis.each(ADAPTERS)('two demo instances sharing one Redis, on %s', (adapter) => {
  let a: DemoProcess;
  let b: DemoProcess;

  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: `${prefix}${adapter}:`, HTTP_ADAPTER: adapter };
    [a, b] = await Promise.all([DemoProcess.start(env), DemoProcess.start(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await deleteKeys(prefix);
  });

  /** Polls B every 5 ms until it refuses `token`; returns how long that took after the revoke on A answered. */
  async function refusedOnB(token: string): Promise<{ ms: number; code: string }> {
    const started = performance.now();
    for (;;) {
      const res = await request(b.url).get('/protected').set(bearer(token));
      if (res.status === 401) return { ms: performance.now() - started, code: res.body.code };
      if (performance.now() - started > 5000) throw new Error('B still accepts the revoked token after 5 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('enforces a logout made on A on B within 1 second', async () => {
    const tokens = await login(request(a.url));
    await request(b.url).get('/protected').set(bearer(tokens.access)).expect(200);

    await request(a.url).post('/logout').set(bearer(tokens.access)).expect(200);
    const { ms, code } = await refusedOnB(tokens.access);
    console.log(`[${adapter}] logout on A refused on B after ${ms.toFixed(1)} ms`);
    expect(code).toBe('token_revoked');
    expect(ms).toBeLessThan(1000);
    await request(b.url).post('/refresh').set(bearer(tokens.refresh)).expect(401);
  });

  it('enforces a logout-all made on B on A within 1 second, for tokens minted on either', async () => {
    const onA = await login(request(a.url));
    const onB = await login(request(b.url));
    await request(b.url).post('/logout/all').set(bearer(onB.access)).expect(200);
    const started = performance.now();
    for (;;) {
      const res = await request(a.url).get('/protected').set(bearer(onA.access));
      if (res.status === 401) {
        expect(res.body.code).toBe('token_revoked');
        break;
      }
      expect(performance.now() - started).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    console.log(`[${adapter}] logout-all on B refused on A after ${(performance.now() - started).toFixed(1)} ms`);
  });

  it('loads revocations made before it started', async () => {
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
  });
});
