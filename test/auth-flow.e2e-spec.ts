import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TokenService } from 'nest-jwt-extended';
import { startDemo, type DemoServer } from './support/demo-server.js';
import { accessClaims, forge, now } from './support/forge.js';
import { ADAPTERS } from './support/test-env.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe.each(ADAPTERS)('the login / refresh / fresh workflow on %s', (adapter) => {
  let server: DemoServer;
  let access: string;
  let refresh: string;

  beforeAll(async () => {
    server = await startDemo(adapter);
    const login = await server.http.post('/login').send({ username: 'test', password: 'test' }).expect(200);
    access = login.body.access_token;
    refresh = login.body.refresh_token;
  });
  afterAll(() => server.close());

  it('serves GET /public without a token', async () => {
    await server.http.get('/public').expect(200, { hello: 'world' });
  });

  it('answers a login with two distinct tokens', () => {
    expect(typeof access).toBe('string');
    expect(access.split('.')).toHaveLength(3);
    expect(refresh.split('.')).toHaveLength(3);
    expect(refresh).not.toBe(access);
  });

  it('lets the fresh access token into GET /protected', async () => {
    await server.http
      .get('/protected')
      .set(bearer(access))
      .expect(200, { logged_in_as: 'test', fresh: true, roles: ['user'] });
  });

  it('matches the Bearer scheme case-insensitively', async () => {
    await server.http
      .get('/protected')
      .set({ Authorization: `bearer ${access}` })
      .expect(200);
    await server.http
      .get('/protected')
      .set({ Authorization: `BEARER ${access}` })
      .expect(200);
  });

  it('lets the fresh access token do the critical action', async () => {
    await server.http.post('/protected-fresh').set(bearer(access)).expect(200, { logged_in_as: 'test', fresh: true });
  });

  it('refreshes into a non-fresh access token for the same identity', async () => {
    const res = await server.http.post('/refresh').set(bearer(refresh)).expect(200);
    expect(Object.keys(res.body)).toEqual(['access_token']);
    const refreshed: string = res.body.access_token;
    await server.http
      .get('/protected')
      .set(bearer(refreshed))
      .expect(200, { logged_in_as: 'test', fresh: false, roles: ['user'] });

    const refused = await server.http.post('/protected-fresh').set(bearer(refreshed)).expect(401);
    expect(refused.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Fresh token required',
      code: 'fresh_token_required',
    });
    expect(refused.headers['www-authenticate']).toMatch(
      /^Bearer error="insufficient_user_authentication", error_description="/,
    );
  });

  it('honours an open freshness window', async () => {
    const token = server.app.get(TokenService).createAccessToken('test', { fresh: 300 });
    await server.http.post('/protected-fresh').set(bearer(token)).expect(200, { logged_in_as: 'test', fresh: true });
    await server.http
      .get('/protected')
      .set(bearer(token))
      .expect(200, { logged_in_as: 'test', fresh: true, roles: ['user'] });
  });

  it('refuses the critical action once the freshness window has passed, yet still serves normal routes', async () => {
    const iat = now() - 120;
    const token = forge(accessClaims({ iat, nbf: iat, fresh: iat + 60 }));
    // Forged by hand: no roles claim, which the demo's claims loader would have added.
    await server.http
      .get('/protected')
      .set(bearer(token))
      .expect(200, { logged_in_as: 'test', fresh: false, roles: [] });
    const res = await server.http.post('/protected-fresh').set(bearer(token)).expect(401);
    expect(res.body.code).toBe('fresh_token_required');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_user_authentication"');
  });

  it('lets an anonymous request through an @OptionalAuth() route, and identifies a good token there', async () => {
    await server.http.get('/optional').expect(200, { logged_in_as: null });
    await server.http.get('/optional').set(bearer(access)).expect(200, { logged_in_as: 'test' });
  });

  it('ends a session on logout with the default memory store, leaving other logins alone', async () => {
    const mine = (await server.http.post('/login').send({ username: 'test', password: 'test' }).expect(200)).body;
    await server.http.post('/logout').set(bearer(mine.access_token)).expect(200, { logged_out: 'session' });
    const res = await server.http.get('/protected').set(bearer(mine.access_token)).expect(401);
    expect(res.body.code).toBe('token_revoked');
    expect((await server.http.post('/refresh').set(bearer(mine.refresh_token)).expect(401)).body.code).toBe(
      'token_revoked',
    );
    await server.http.get('/protected').set(bearer(access)).expect(200);
  });

  it('still refuses a bad token at an @OptionalAuth() route', async () => {
    const res = await server.http.get('/optional').set(bearer('not.a.token')).expect(401);
    expect(res.body.code).toBe('invalid_token');
    const expired = await server.http
      .get('/optional')
      .set(bearer(forge(accessClaims({ exp: now() - 5 }))))
      .expect(401);
    expect(expired.body.code).toBe('token_expired');
    const wrongType = await server.http.get('/optional').set(bearer(refresh)).expect(401);
    expect(wrongType.body.code).toBe('wrong_token_type');
  });
});
