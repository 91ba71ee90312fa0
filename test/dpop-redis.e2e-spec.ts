import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { DpopClient, dpopHeaders } from './support/dpop-client.js';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from './support/redis.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('dpop');
/** The one origin clients call both instances at, as behind a load balancer: a proof's htu fits either. */
const ORIGIN = 'https://api.example.test';

describeRedis.each(ADAPTERS)('DPoP replay cache shared by two demo instances through Redis, on %s', (adapter) => {
  let a: DemoProcess;
  let b: DemoProcess;

  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: `${prefix}${adapter}:`, HTTP_ADAPTER: adapter, DPOP_ORIGIN: ORIGIN };
    [a, b] = await Promise.all([DemoProcess.start(env), DemoProcess.start(env)]);
  }, startUpTimeout());
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await deleteKeys(prefix);
  });

  it('refuses on B a proof already used on A, and on A one used on B', async () => {
    const client = await DpopClient.create();
    const login = await request(a.url)
      .post('/login')
      .set('DPoP', await client.proof(`${ORIGIN}/login`, 'POST'))
      .send({ username: 'test', password: 'test' })
      .expect(200);
    const access = login.body.access_token as string;
    expect(login.body.token_type).toBe('DPoP');

    for (const [first, second] of [
      [a, b],
      [b, a],
    ] as const) {
      const proof = await client.proof(`${ORIGIN}/protected`, 'GET', access);
      await request(first.url).get('/protected').set(dpopHeaders(access, proof)).expect(200);
      const replay = await request(second.url).get('/protected').set(dpopHeaders(access, proof));
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({ code: 'invalid_dpop_proof', message: 'DPoP proof was already used (jti)' });
      expect(replay.headers['www-authenticate']).toMatch(/^DPoP error="invalid_dpop_proof"/);
    }
    // The used proofs live in Redis, under the demo's prefix, each for the proof window only.
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}${adapter}:dpop:*`);
      expect(keys.length).toBeGreaterThanOrEqual(3);
      const ttl = await redis.ttl(keys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(66);
    } finally {
      redis.disconnect();
    }
  });

  it('refreshes on B a session bound on A, with a proof of its key only', async () => {
    const client = await DpopClient.create();
    const login = await request(a.url)
      .post('/login')
      .set('DPoP', await client.proof(`${ORIGIN}/login`, 'POST'))
      .send({ username: 'test', password: 'test' })
      .expect(200);
    const refresh = login.body.refresh_token as string;
    const thief = await DpopClient.create();
    const stolen = await request(b.url)
      .post('/refresh')
      .set(dpopHeaders(refresh, await thief.proof(`${ORIGIN}/refresh`, 'POST')));
    expect(stolen.status).toBe(401);
    const ok = await request(b.url)
      .post('/refresh')
      .set(dpopHeaders(refresh, await client.proof(`${ORIGIN}/refresh`, 'POST')))
      .expect(200);
    expect(ok.body.token_type).toBe('DPoP');
  });
});
