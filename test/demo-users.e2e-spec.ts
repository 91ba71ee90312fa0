import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDemo, type DemoServer } from './support/demo-server.js';
import { ADAPTERS } from './support/test-env.js';

describe.each(ADAPTERS)('DEMO_USERS and token lifetimes from the environment on %s', (adapter) => {
  let server: DemoServer;

  beforeAll(async () => {
    server = await startDemo(adapter, {
      DEMO_USERS: 'alice:secret,bob:pa:ss',
      JWT_ACCESS_TOKEN_EXPIRES: '120',
      JWT_REFRESH_TOKEN_EXPIRES: '3600',
    });
  });
  afterAll(() => server.close());

  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

  it('logs in the configured users, including a password containing a colon', async () => {
    const alice = await server.http.post('/login').send({ username: 'alice', password: 'secret' }).expect(200);
    await server.http
      .get('/protected')
      .set('Authorization', `Bearer ${alice.body.access_token}`)
      .expect(200, { logged_in_as: 'alice', fresh: true, roles: ['user'] });
    await server.http.post('/login').send({ username: 'bob', password: 'pa:ss' }).expect(200);
  });

  it('replaces the default test user', async () => {
    const res = await server.http.post('/login').send({ username: 'test', password: 'test' }).expect(401);
    expect(res.body.code).toBe('invalid_credentials');
  });

  it('uses JWT_ACCESS_TOKEN_EXPIRES and JWT_REFRESH_TOKEN_EXPIRES (seconds)', async () => {
    const res = await server.http.post('/login').send({ username: 'alice', password: 'secret' }).expect(200);
    const access = claimsOf(res.body.access_token);
    const refresh = claimsOf(res.body.refresh_token);
    expect(access.exp - access.iat).toBe(120);
    expect(refresh.exp - refresh.iat).toBe(3600);
  });
});
