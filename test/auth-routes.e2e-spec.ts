import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type DemoServer, startDemo } from './support/demo-server.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';
import { bearer, claimsOf, login } from './support/tokens.js';

const CREDENTIALS = { username: 'test', password: 'test' };

/** The ready-made routes the demo mounts at /auth with its own credentials check, against its own /login and friends. */
describe.each(ADAPTERS)('the ready-made routes at /auth on the demo (%s)', (adapter) => {
  let demo: DemoServer;

  beforeAll(async () => {
    demo = await startDemo(adapter);
  }, startUpTimeout());
  afterAll(() => demo?.close());

  async function authLogin(): Promise<{ access: string; refresh: string }> {
    const res = await demo.http.post('/auth/login').send(CREDENTIALS).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'refresh_token']);
    return { access: res.body.access_token, refresh: res.body.refresh_token };
  }

  it('POST /auth/login answers as POST /login: a fresh password login of a new session', async () => {
    const mine = await authLogin();
    const theirs = await login(demo.http);
    const strip = (claims: Record<string, unknown>) =>
      Object.keys(claims)
        .filter((key) => !['jti', 'sid', 'csrf', 'iat', 'nbf', 'exp', 'auth_time'].includes(key))
        .sort()
        .map((key) => [key, claims[key]]);
    expect(strip(claimsOf(mine.access))).toEqual(strip(claimsOf(theirs.access)));
    expect(claimsOf(mine.access)).toMatchObject({ sub: 'test', fresh: true, type: 'access', acr: 'pwd' });
    expect(claimsOf(mine.refresh).sid).toBe(claimsOf(mine.access).sid);
    await demo.http
      .get('/protected')
      .set(bearer(mine.access))
      .expect(200, { logged_in_as: 'test', fresh: true, roles: ['user'] });
  });

  it('refuses bad credentials as POST /login does: 401 invalid_credentials, the password never echoed', async () => {
    for (const path of ['/auth/login', '/login']) {
      const res = await demo.http.post(path).send({ username: 'test', password: 'not-the-password' }).expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Bad username or password',
        code: 'invalid_credentials',
      });
    }
    await demo.http.post('/auth/login').send({ username: 'nobody', password: 'test' }).expect(401);
  });

  it.each([
    ['no body', undefined],
    ['a missing password', { username: 'test' }],
    ['a number for a username', { username: 7, password: 'secret-word' }],
    ['an array', [CREDENTIALS]],
    ['a body nested deeper than any DTO', JSON.parse(`{"username":${'['.repeat(40)}1${']'.repeat(40)}}`)],
  ])('refuses %s with 400 validation_failed, the values never echoed', async (_name, body) => {
    const res = await demo.http
      .post('/auth/login')
      .send(body as object)
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    expect(JSON.stringify(res.body)).not.toContain('secret-word');
  });

  it('POST /auth/refresh answers as POST /refresh: a refresh token in, a not-fresh access token out', async () => {
    const { access, refresh } = await authLogin();
    const res = await demo.http.post('/auth/refresh').set(bearer(refresh)).expect(200);
    expect(Object.keys(res.body)).toEqual(['access_token']);
    expect(claimsOf(res.body.access_token)).toMatchObject({ fresh: false, sid: claimsOf(access).sid });
    const wrong = await demo.http.post('/auth/refresh').set(bearer(access)).expect(401);
    expect(wrong.body.code).toBe('wrong_token_type');
    const missing = await demo.http.post('/auth/refresh').expect(401);
    expect(missing.body.code).toBe('authorization_required');
  });

  it('POST /auth/logout answers as POST /logout and ends the session', async () => {
    const { access, refresh } = await authLogin();
    const other = await authLogin();
    await demo.http.post('/auth/logout').set(bearer(access)).expect(200, { logged_out: 'session' });
    for (const [path, token] of [
      ['/protected', access],
      ['/auth/refresh', refresh],
    ] as const) {
      const method = path === '/protected' ? 'get' : 'post';
      const res = await demo.http[method](path).set(bearer(token)).expect(401);
      expect(res.body.code).toBe('token_revoked');
    }
    await demo.http.get('/protected').set(bearer(other.access)).expect(200);
    // Logout takes an access token, as POST /logout does.
    const refused = await demo.http.post('/auth/logout').set(bearer(other.refresh)).expect(401);
    expect(refused.body.code).toBe('wrong_token_type');
  });

  it('lists the sessions, ends the others, then ends them all', async () => {
    const first = await authLogin();
    const second = await authLogin();
    const listed = await demo.http.get('/auth/sessions').set(bearer(second.access)).expect(200);
    const current = listed.body.sessions.filter((session: { current: boolean }) => session.current);
    expect(current).toEqual([expect.objectContaining({ id: claimsOf(second.access).sid, ip: expect.any(String) })]);
    expect(listed.body.sessions.length).toBeGreaterThanOrEqual(2);

    const revoked = await demo.http.post('/auth/sessions/revoke-others').set(bearer(second.access)).expect(200);
    expect(revoked.body.revoked).toBeGreaterThanOrEqual(1);
    expect((await demo.http.get('/protected').set(bearer(first.access)).expect(401)).body.code).toBe('token_revoked');
    await demo.http.get('/protected').set(bearer(second.access)).expect(200);

    await demo.http.post('/auth/logout/all').set(bearer(second.access)).expect(200, { logged_out: 'all_sessions' });
    expect((await demo.http.get('/protected').set(bearer(second.access)).expect(401)).body.code).toBe('token_revoked');
  });

  it('refuses the guarded routes without a token, as the library does', async () => {
    for (const [method, path] of [
      ['post', '/auth/logout'],
      ['post', '/auth/logout/all'],
      ['get', '/auth/sessions'],
      ['post', '/auth/sessions/revoke-others'],
    ] as const) {
      const res = await demo.http[method](path).expect(401);
      expect(res.body.code).toBe('authorization_required');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });
});
