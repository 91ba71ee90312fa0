import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { TokenService } from 'nest-jwt-extended';
import { HooksAppModule, hooksLog } from './fixtures/hooks.app.js';
import { type HttpClient, startFixtureApp } from './support/demo-server.js';
import { accessClaims, forge } from './support/forge.js';
import { bearer, claimsOf } from './support/tokens.js';
import { ADAPTERS } from './support/test-env.js';

const headerOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());

describe.each(ADAPTERS)('loaders, user loading, claim checks, token types and events on %s', (adapter) => {
  let app: INestApplication;
  let http: HttpClient;
  let tokens: TokenService;

  beforeAll(async () => {
    ({ app, http } = await startFixtureApp(HooksAppModule, adapter));
    tokens = app.get(TokenService);
  });
  afterAll(() => app.close());
  beforeEach(() => hooksLog.reset());

  const loginAs = async (id: string) => {
    const res = await http.post('/hooks/login').send({ id }).expect(200);
    return { access: res.body.access_token as string, refresh: res.body.refresh_token as string };
  };

  it('starts a session from a user object (identityOf) and runs the async claims and headers loaders for both tokens', async () => {
    const { access, refresh } = await loginAs('u-1');
    expect(claimsOf(access)).toMatchObject({ sub: 'u-1', type: 'access', fresh: true, roles: ['admin'], tenant: 'eu' });
    expect(claimsOf(refresh)).toMatchObject({ sub: 'u-1', type: 'refresh', tenant: 'eu' });
    expect(claimsOf(refresh).roles).toBeUndefined();
    expect(headerOf(access)['x-token-type']).toBe('access');
    expect(headerOf(refresh)['x-token-type']).toBe('refresh');
    expect(hooksLog.claimsLoads).toBe(2);
  });

  it('keeps the loader claims across refresh and rotation, the loader running again each time', async () => {
    let { refresh } = await loginAs('u-1');
    for (let round = 0; round < 3; round += 1) {
      hooksLog.reset();
      const res = await http.post('/hooks/refresh').set(bearer(refresh)).expect(200);
      expect(claimsOf(res.body.access_token)).toMatchObject({
        type: 'access',
        fresh: false,
        roles: ['admin'],
        tenant: 'eu',
      });
      expect(claimsOf(res.body.refresh_token)).toMatchObject({ type: 'refresh', tenant: 'eu' });
      expect(hooksLog.claimsLoads).toBe(2);
      refresh = res.body.refresh_token;
    }
  });

  it('lets per-call additionalClaims win over the loader', async () => {
    const token = await tokens.createAccessTokenAsync('u-1', { additionalClaims: { tenant: 'us' } });
    expect(claimsOf(token)).toMatchObject({ roles: ['admin'], tenant: 'us' });
    expect(() => tokens.createAccessToken('u-1')).toThrow(/loader is async; use the \*Async methods/);
  });

  it('loads the user once per request, only where @CurrentUser() is asked for', async () => {
    const { access } = await loginAs('u-1');
    hooksLog.reset();
    await http.get('/hooks/me').set(bearer(access)).expect(200, { name: 'Alice', same: true, loads: 1 });
    await http.get('/hooks/claims').set(bearer(access)).expect(200);
    expect(hooksLog.userLoads).toBe(1);
  });

  it('refuses a valid token whose identity has no user with 401 user_not_found, and an anonymous optional request has none', async () => {
    const ghost = await tokens.createAccessTokenAsync('ghost', { additionalClaims: { tenant: 'eu' } });
    const res = await http.get('/hooks/me').set(bearer(ghost)).expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'user_not_found' });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    await http.get('/hooks/maybe-me').expect(200, { name: null });
    expect(hooksLog.userLoads).toBe(1);
  });

  it('refuses claims that verifyClaims rejects: 401 claims_verification_failed, or the code it gives', async () => {
    const nowhere = await tokens.createAccessTokenAsync('u-1', { additionalClaims: { tenant: 'nowhere' } });
    const refused = await http.get('/hooks/claims').set(bearer(nowhere)).expect(401);
    expect(refused.body).toMatchObject({
      code: 'claims_verification_failed',
      message: 'User claims verification failed',
    });
    const blocked = await tokens.createAccessTokenAsync('u-1', { additionalClaims: { tenant: 'blocked' } });
    const custom = await http.get('/hooks/claims').set(bearer(blocked)).expect(401);
    expect(custom.body).toMatchObject({ code: 'tenant_blocked', message: 'Tenant is blocked' });
    const fine = await tokens.createAccessTokenAsync('u-1', { additionalClaims: { tenant: 'eu' } });
    await http.get('/hooks/claims').set(bearer(fine)).expect(200);
    // The passport strategy (AuthGuard('jwt-access')) checks the claims as the guards do.
    expect((await http.get('/hooks/passport').set(bearer(nowhere)).expect(401)).body.code).toBe(
      'claims_verification_failed',
    );
    await http.get('/hooks/passport').set(bearer(fine)).expect(200, { identity: 'u-1' });
  });

  it('takes an access or a refresh token where the route accepts either, and no custom type', async () => {
    const { access, refresh } = await loginAs('u-2');
    await http.post('/hooks/either').set(bearer(access)).expect(200, { type: 'access' });
    await http.post('/hooks/either').set(bearer(refresh)).expect(200, { type: 'refresh' });
    const reset = await tokens.createTokenAsync('password_reset', 'u-2', { expiresIn: '10m' });
    const res = await http.post('/hooks/either').set(bearer(reset)).expect(401);
    expect(res.body).toMatchObject({ code: 'wrong_token_type', message: 'Only access or refresh tokens are allowed' });
  });

  it('accepts a custom token type only at the guard made for it', async () => {
    const reset = await tokens.createTokenAsync('password_reset', 'u-2', { expiresIn: '10m' });
    expect(claimsOf(reset)).toMatchObject({ type: 'password_reset', sub: 'u-2', fresh: false });
    expect((claimsOf(reset).exp as number) - (claimsOf(reset).iat as number)).toBe(600);
    await http.post('/hooks/reset').set(bearer(reset)).expect(200, { identity: 'u-2', type: 'password_reset' });
    for (const path of ['/hooks/claims', '/hooks/me']) {
      const res = await http.get(path).set(bearer(reset)).expect(401);
      expect(res.body).toMatchObject({ code: 'wrong_token_type', message: 'Only access tokens are allowed' });
    }
    await http.post('/hooks/refresh').set(bearer(reset)).expect(401);
    const { access, refresh } = await loginAs('u-2');
    for (const token of [access, refresh]) {
      const res = await http.post('/hooks/reset').set(bearer(token)).expect(401);
      expect(res.body).toMatchObject({ code: 'wrong_token_type', message: 'Only password_reset tokens are allowed' });
    }
    // A type nobody declared is refused everywhere, even signed with the right key.
    const unknown = forge(accessClaims({ sub: 'u-2', type: 'admin_override', tenant: 'eu' }));
    expect((await http.post('/hooks/reset').set(bearer(unknown)).expect(401)).body.code).toBe('invalid_token');
    expect(() => tokens.createToken('admin_override', 'u-2')).toThrow(/not declared in the tokenTypes option/);
  });

  it('verifies a request by hand as a guard does: optional, type, revocation', async () => {
    await http.get('/hooks/manual').expect(200, { identity: null });
    const { access, refresh } = await loginAs('u-1');
    await http.get('/hooks/manual').set(bearer(access)).expect(200, { identity: 'u-1' });
    await http.get('/hooks/manual-refresh').set(bearer(refresh)).expect(200, { identity: 'u-1', type: 'refresh' });
    expect((await http.get('/hooks/manual-refresh').set(bearer(access)).expect(401)).body.code).toBe(
      'wrong_token_type',
    );
    expect((await http.get('/hooks/manual-refresh').expect(401)).body.code).toBe('authorization_required');
    const nowhere = await tokens.createAccessTokenAsync('u-1', { additionalClaims: { tenant: 'nowhere' } });
    expect((await http.get('/hooks/manual').set(bearer(nowhere)).expect(401)).body.code).toBe(
      'claims_verification_failed',
    );
    // Rotation consumed nothing yet: reuse the refresh token twice to get the session revoked, then the access token is refused.
    await http.post('/hooks/refresh').set(bearer(refresh)).expect(200);
    await http.post('/hooks/refresh').set(bearer(refresh)).expect(401);
    expect((await http.get('/hooks/manual').set(bearer(access)).expect(401)).body.code).toBe('token_revoked');
  });

  it('emits each security event once, naming users and sessions but never a token', async () => {
    const { access, refresh } = await loginAs('u-1');
    const sessionId = claimsOf(access).sid;
    const rotated = await http.post('/hooks/refresh').set(bearer(refresh)).expect(200);
    await http.post('/hooks/refresh').set(bearer(refresh)).expect(401); // reuse: the session is revoked
    await http.get('/hooks/claims').set(bearer(access)).expect(401);
    await http.get('/hooks/claims').expect(401);
    const types = hooksLog.events.map((event) => event.type);
    expect(types).toEqual(['login', 'rotation', 'refresh_token_reused', 'refused', 'refused']);
    expect(hooksLog.events[0]).toMatchObject({ type: 'login', identity: 'u-1', sessionId });
    expect(hooksLog.events[1]).toMatchObject({
      type: 'rotation',
      identity: 'u-1',
      sessionId,
      tokenId: claimsOf(refresh).jti,
    });
    expect(hooksLog.events[2]).toMatchObject({
      type: 'refresh_token_reused',
      identity: 'u-1',
      sessionId,
      code: 'refresh_token_reused',
    });
    expect(hooksLog.events[3]).toMatchObject({ type: 'refused', code: 'token_revoked', status: 401 });
    expect(hooksLog.events[4]).toMatchObject({ type: 'refused', code: 'authorization_required', status: 401 });
    const serialised = JSON.stringify(hooksLog.events);
    for (const secret of [access, refresh, rotated.body.access_token, rotated.body.refresh_token]) {
      for (const part of secret.split('.')) expect(serialised).not.toContain(part);
    }
  });
});
