import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startDemo, type DemoServer } from './support/demo-server.js';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from './support/redis.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer, claimsOf, login } from './support/tokens.js';

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('grace');

describeRedis.each(ADAPTERS)('refresh-token rotation with a 30 s grace window, on Redis, on %s', (adapter) => {
  let server: DemoServer;

  beforeAll(async () => {
    server = await startDemo(adapter, {
      REDIS_URL,
      REDIS_KEY_PREFIX: `${prefix}${adapter}:`,
      JWT_ROTATE_REFRESH_TOKENS: 'true',
      JWT_REFRESH_GRACE_SECONDS: '30',
      JWT_REFRESH_TOKEN_EXPIRES: '3600',
    });
  });
  afterAll(async () => {
    await server.close();
    await deleteKeys(prefix);
  });

  const refresh = (token: string) => server.http.post('/refresh').set(bearer(token));

  it('accepts the immediately previous token again inside the window (a lost response)', async () => {
    const { refresh: r0 } = await login(server.http);
    await refresh(r0).expect(200); // the answer is "lost"
    const retry = await refresh(r0).expect(200);
    await refresh(retry.body.refresh_token).expect(200);
  });

  it('treats the second-to-last token as theft even inside the window', async () => {
    const { refresh: r0 } = await login(server.http);
    const r1 = (await refresh(r0).expect(200)).body.refresh_token;
    const r2 = (await refresh(r1).expect(200)).body.refresh_token;

    const stale = await refresh(r0).expect(401);
    expect(stale.body.code).toBe('refresh_token_reused');
    expect((await refresh(r2).expect(401)).body.code).toBe('token_revoked');
  });

  it('caps the session at its absolute lifetime: rotation never extends it', async () => {
    const { refresh: r0 } = await login(server.http);
    const r1 = (await refresh(r0).expect(200)).body.refresh_token;
    const start = claimsOf(r0).auth_time as number;
    expect(claimsOf(r1).auth_time).toBe(start);
    expect(claimsOf(r1).exp as number).toBeLessThanOrEqual(start + 3600);
  });
});
