import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startDemo, type DemoServer } from './support/demo-server.js';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from './support/redis.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer, claimsOf, login } from './support/tokens.js';

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('logout');

describeRedis.each(ADAPTERS)('logout and logout-all with the Redis store on %s', (adapter) => {
  let server: DemoServer;

  beforeAll(async () => {
    server = await startDemo(adapter, { REDIS_URL, REDIS_KEY_PREFIX: `${prefix}${adapter}:` });
  });
  afterAll(async () => {
    await server.close();
    await deleteKeys(prefix);
  });

  it('gives every token of one login the same session, and the refreshed access token keeps it', async () => {
    const tokens = await login(server.http);
    const sid = claimsOf(tokens.access).sid;
    expect(typeof sid).toBe('string');
    expect(claimsOf(tokens.refresh).sid).toBe(sid);
    const refreshed = await server.http.post('/refresh').set(bearer(tokens.refresh)).expect(200);
    expect(claimsOf(refreshed.body.access_token).sid).toBe(sid);
    const other = await login(server.http);
    expect(claimsOf(other.access).sid).not.toBe(sid);
  });

  it('ends that login: its access and refresh tokens are refused, other logins go on', async () => {
    const mine = await login(server.http);
    const other = await login(server.http);
    const minted = (await server.http.post('/refresh').set(bearer(mine.refresh)).expect(200)).body.access_token;

    await server.http.post('/logout').set(bearer(mine.access)).expect(200, { logged_out: 'session' });

    for (const [path, method, token] of [
      ['/protected', 'get', mine.access],
      ['/protected', 'get', minted],
      ['/refresh', 'post', mine.refresh],
    ] as const) {
      const res = await server.http[method](path).set(bearer(token)).expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Token has been revoked',
        code: 'token_revoked',
      });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    }
    await server.http.get('/protected').set(bearer(other.access)).expect(200);
    await server.http.post('/refresh').set(bearer(other.refresh)).expect(200);
  });

  it('logs the user out everywhere, and a new login works at once', async () => {
    const first = await login(server.http);
    const second = await login(server.http);

    await server.http.post('/logout/all').set(bearer(first.access)).expect(200, { logged_out: 'all_sessions' });

    for (const tokens of [first, second]) {
      expect((await server.http.get('/protected').set(bearer(tokens.access)).expect(401)).body.code).toBe(
        'token_revoked',
      );
      expect((await server.http.post('/refresh').set(bearer(tokens.refresh)).expect(401)).body.code).toBe(
        'token_revoked',
      );
    }
    const again = await login(server.http);
    await server.http.get('/protected').set(bearer(again.access)).expect(200);
  });

  it('leaves other users alone when one logs out everywhere', async () => {
    const tokens = await login(server.http);
    // The same demo user is used throughout; another identity is minted directly.
    const { TokenService } = await import('nest-jwt-extended');
    const bob = server.app.get(TokenService).createAccessToken('bob');
    await server.http.post('/logout/all').set(bearer(tokens.access)).expect(200);
    await server.http.get('/protected').set(bearer(bob)).expect(200, { logged_in_as: 'bob', fresh: false, roles: [] }); // bob is no demo user: the loader gives no roles
  });

  it('refuses logout without a valid access token', async () => {
    expect((await server.http.post('/logout').expect(401)).body.code).toBe('authorization_required');
    const { refresh } = await login(server.http);
    expect((await server.http.post('/logout').set(bearer(refresh)).expect(401)).body.code).toBe('wrong_token_type');
  });
});
