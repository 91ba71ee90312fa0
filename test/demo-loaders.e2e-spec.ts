import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { startDemo, type DemoServer } from './support/demo-server.js';
import { accessClaims, forge } from './support/forge.js';
import { bearer, claimsOf, login } from './support/tokens.js';
import { ADAPTERS } from './support/test-env.js';

describe.each(ADAPTERS)('the demo contract: roles claim, GET /me, security events on %s', (adapter) => {
  let server: DemoServer;
  const logged = jest.spyOn(Logger.prototype, 'log');

  beforeAll(async () => {
    server = await startDemo(adapter);
  });
  afterAll(() => server.close());
  afterEach(() => {
    logged.mockClear();
  });

  /** The security events the demo logged since the last test. */
  const events = () =>
    logged.mock.calls
      .filter((call) => typeof call[0] === 'string' && call[0].startsWith('{"type":'))
      .map((call) => JSON.parse(call[0] as string) as Record<string, unknown>);

  it('puts the user roles in every access token, and GET /protected shows them, after /refresh too', async () => {
    const { access, refresh } = await login(server.http);
    expect(claimsOf(access).roles).toEqual(['user']);
    await server.http
      .get('/protected')
      .set(bearer(access))
      .expect(200, { logged_in_as: 'test', fresh: true, roles: ['user'] });
    const refreshed = await server.http.post('/refresh').set(bearer(refresh)).expect(200);
    expect(claimsOf(refreshed.body.access_token).roles).toEqual(['user']);
    await server.http
      .get('/protected')
      .set(bearer(refreshed.body.access_token))
      .expect(200, { logged_in_as: 'test', fresh: false, roles: ['user'] });
  });

  it('answers GET /me with the loaded user, and 401 user_not_found when the identity has none', async () => {
    const { access, refresh } = await login(server.http);
    await server.http
      .get('/me')
      .set(bearer(access))
      .expect(200, { username: 'test', roles: ['user'] });
    const ghost = await server.http
      .get('/me')
      .set(bearer(forge(accessClaims({ sub: 'ghost' }))))
      .expect(401);
    expect(ghost.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'User not found',
      code: 'user_not_found',
    });
    expect(ghost.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect((await server.http.get('/me').set(bearer(refresh)).expect(401)).body.code).toBe('wrong_token_type');
    expect((await server.http.get('/me').expect(401)).body.code).toBe('authorization_required');
  });

  it('logs each security event once, without a token', async () => {
    const { access, refresh } = await login(server.http);
    await server.http.post('/refresh').set(bearer(refresh)).expect(200);
    await server.http.get('/protected').expect(401);
    const seen = events();
    expect(seen.map((event) => event.type)).toEqual(['login', 'refresh', 'refused']);
    expect(seen[0]).toMatchObject({ identity: 'test', sessionId: claimsOf(access).sid });
    expect(seen[2]).toMatchObject({ code: 'authorization_required', status: 401 });
    const text = JSON.stringify(seen);
    for (const part of [...access.split('.'), ...refresh.split('.')]) expect(text).not.toContain(part);
  });
});
