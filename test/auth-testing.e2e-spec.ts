import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { AuthTesting, AuthTestingModule } from 'nest-jwt-extended/testing';
import request from 'supertest';
import { TestedAppModule } from './fixtures/testing-module.app.js';
import { startFixtureApp } from './support/demo-server.js';
import { ADAPTERS } from './support/test-env.js';
import { claimsOf } from './support/tokens.js';

const START = Date.parse('2030-01-01T00:00:00Z');

/** The app under test, as a user's test mounts it: the app's module beside AuthTestingModule. */
@Module({ imports: [TestedAppModule, AuthTestingModule.forRoot({ startAt: START })] })
class TestRootModule {}

describe.each(ADAPTERS)('AuthTestingModule in an app of keys no test holds, on %s', (adapter) => {
  let app: INestApplication;
  let auth: AuthTesting;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    ({ app } = await startFixtureApp(TestRootModule, adapter));
    auth = app.get(AuthTesting);
  });
  afterAll(() => app?.close());
  beforeEach(() => auth.clearEvents());

  it('mints a token for an identity, with claims, in one call: the header is ready for supertest', async () => {
    const res = await http()
      .get('/protected')
      .set(auth.header('alice', { claims: { roles: ['admin'] } }))
      .expect(200);
    expect(res.body).toEqual({ identity: 'alice', roles: ['admin'] });
  });

  it('mints by the test clock: iat is the clock, not the real time', () => {
    const claims = claimsOf(auth.accessToken('alice'));
    expect(claims.iat).toBe(Math.floor(auth.clock.now() / 1000));
    expect(claims.exp).toBe((claims.iat as number) + 15 * 60);
  });

  it('answers token_expired once the clock passes the lifetime, without waiting', async () => {
    const header = auth.header('alice');
    await http().get('/protected').set(header).expect(200);
    auth.clock.advance('14m');
    await http().get('/protected').set(header).expect(200);
    auth.clock.advance('61s');
    const res = await http().get('/protected').set(header).expect(401);
    expect(res.body.code).toBe('token_expired');
    expect(auth.events).toEqual([expect.objectContaining({ type: 'refused', code: 'token_expired', status: 401 })]);
  });

  it('mints fresh or not, and a fresh window closes with the clock', async () => {
    await http()
      .post('/payments')
      .set(auth.header('alice', { fresh: true }))
      .expect(200);
    const stale = await http().post('/payments').set(auth.header('alice')).expect(401);
    expect(stale.body.code).toBe('fresh_token_required');
    const windowed = auth.header('alice', { fresh: 60 }); // fresh for a minute
    await http().post('/payments').set(windowed).expect(200);
    auth.clock.advance('2m');
    expect((await http().post('/payments').set(windowed).expect(401)).body.code).toBe('fresh_token_required');
  });

  it('starts a real session, revokes it, and lists the events emitted', async () => {
    const { accessToken, refreshToken } = await auth.login('bob');
    await http().get('/protected').set(auth.bearer(accessToken)).expect(200);
    await auth.revokeSession(refreshToken!);
    const res = await http().get('/protected').set(auth.bearer(accessToken)).expect(401);
    expect(res.body.code).toBe('token_revoked');
    expect(auth.events.map((event) => event.type)).toEqual(['login', 'session_revoked', 'refused']);
    expect(auth.events.every((event) => event.at === Math.floor(auth.clock.now() / 1000))).toBe(true);
  });

  it("drives the app's own logout route and sees the session end", async () => {
    const { accessToken } = await auth.login('carol');
    await http().post('/logout').set(auth.bearer(accessToken)).expect(200);
    expect((await http().get('/protected').set(auth.bearer(accessToken)).expect(401)).body.code).toBe('token_revoked');
  });

  it('revokes every token of a user issued until now', async () => {
    const header = auth.header('dave');
    auth.clock.advance(1);
    await auth.revokeUser('dave');
    expect((await http().get('/protected').set(header).expect(401)).body.code).toBe('token_revoked');
    auth.clock.advance(1);
    await http().get('/protected').set(auth.header('dave')).expect(200);
  });
});
