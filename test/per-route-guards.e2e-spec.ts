import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { TokenService } from 'nest-jwt-extended';
import { PerRouteAppModule } from './fixtures/per-route.app.js';
import { type HttpClient, startFixtureApp } from './support/demo-server.js';
import { forge, now } from './support/forge.js';
import { ADAPTERS } from './support/test-env.js';

describe.each(ADAPTERS)('per-route guards and non-default options on %s', (adapter) => {
  let app: INestApplication;
  let http: HttpClient;
  let tokens: TokenService;
  const auth = (token: string) => ({ 'X-Api-Token': `Token ${token}` });

  beforeAll(async () => {
    ({ app, http } = await startFixtureApp(PerRouteAppModule, adapter));
    tokens = app.get(TokenService);
  });
  afterAll(() => app.close());

  it('leaves unguarded routes open', async () => {
    await http.get('/route/open').expect(200, { open: true });
  });

  it('reads the token from the configured header and scheme, and exposes claims and header (kid from the kid option)', async () => {
    const token = tokens.createAccessToken('u-1', { additionalClaims: { role: 'admin' } });
    const res = await http.get('/route/claims').set(auth(token)).expect(200);
    expect(res.body).toEqual({ type: 'access', role: 'admin', kid: 'k1', alg: 'HS256' });
  });

  it('writes the identity under identityClaim, with iss and aud', () => {
    const claims = tokens.verifyToken(tokens.createAccessToken('u-1'));
    expect(claims).toMatchObject({ uid: 'u-1', iss: 'https://issuer.test', aud: 'fixture-api', type: 'access' });
    expect(claims.sub).toBeUndefined();
    expect(claims.exp - claims.iat).toBe(300);
  });

  it('ignores the Authorization header when another header is configured', async () => {
    const token = tokens.createAccessToken('u-1');
    const res = await http.get('/route/claims').set('Authorization', `Bearer ${token}`).expect(401);
    expect(res.body.code).toBe('authorization_required');
  });

  it('refuses a token without the configured issuer or audience', async () => {
    const base = { uid: 'u-1', iat: now(), jti: 'j', type: 'access', fresh: false, exp: now() + 60 };
    for (const claims of [
      { ...base, aud: 'fixture-api' },
      { ...base, iss: 'https://issuer.test' },
      { ...base, iss: 'https://evil.test', aud: 'fixture-api' },
      { ...base, iss: 'https://issuer.test', aud: 'other-api' },
    ]) {
      const res = await http
        .get('/route/claims')
        .set(auth(forge(claims)))
        .expect(401);
      expect(res.body.code).toBe('invalid_token');
    }
  });

  it('applies FreshJwtGuard and RefreshJwtGuard per route', async () => {
    await http
      .post('/route/fresh')
      .set(auth(tokens.createAccessToken('u-1', { fresh: true })))
      .expect(201, { identity: 'u-1' });
    const stale = await http
      .post('/route/fresh')
      .set(auth(tokens.createAccessToken('u-1')))
      .expect(401);
    expect(stale.body.code).toBe('fresh_token_required');
    await http
      .post('/route/refresh')
      .set(auth(tokens.createRefreshToken('u-1')))
      .expect(201, { identity: 'u-1' });
    const wrong = await http
      .post('/route/refresh')
      .set(auth(tokens.createAccessToken('u-1')))
      .expect(401);
    expect(wrong.body.code).toBe('wrong_token_type');
  });

  it('serves AuthGuard(JWT_ACCESS_STRATEGY) from @nestjs/passport with the same rules', async () => {
    await http
      .get('/route/passport')
      .set(auth(tokens.createAccessToken('u-1')))
      .expect(200, { identity: 'u-1' });
    const refused = await http.get('/route/passport').set(auth(tokens.createRefreshToken('u-1')));
    expect(refused.status).toBe(401);
    // The library's refusal, not passport's bare {"message":"Unauthorized","statusCode":401}.
    expect(refused.body).toMatchObject({ statusCode: 401, code: 'wrong_token_type' });
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    const missing = await http.get('/route/passport');
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('authorization_required');
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('honours @Public() under a class-level guard, and a handler-level guard over the class one', async () => {
    await http.get('/class/opened').expect(200, { open: true });
    const closed = await http.get('/class/closed').expect(401);
    expect(closed.body.code).toBe('authorization_required');
    await http
      .get('/class/closed')
      .set(auth(tokens.createAccessToken('u-2')))
      .expect(200, { identity: 'u-2' });
    await http
      .post('/class/refresh')
      .set(auth(tokens.createRefreshToken('u-2')))
      .expect(201, { identity: 'u-2' });
    const access = await http
      .post('/class/refresh')
      .set(auth(tokens.createAccessToken('u-2')))
      .expect(401);
    expect(access.body.code).toBe('wrong_token_type');
  });
});
