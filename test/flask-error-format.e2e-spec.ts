import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { RevocationService, TokenService } from 'nest-jwt-extended';
import type request from 'supertest';
import { FlaskFormatAppModule } from './fixtures/hooks.app.js';
import { startDemo, type DemoServer, type HttpClient, startFixtureApp } from './support/demo-server.js';
import { accessClaims, forge, now, unsigned } from './support/forge.js';
import { bearer } from './support/tokens.js';
import { ADAPTERS } from './support/test-env.js';

/**
 * Flask-JWT-Extended 4.7.1's answers (default_callbacks.py, view_decorators.py, internal_utils.py, and PyJWT's words
 * for alg and claims), which the 'flask-jwt-extended' errorFormat must reproduce: status and `{"msg": ...}`, exactly.
 */
const FLASK = {
  missingHeader: [401, 'Missing Authorization Header'],
  otherScheme: [401, "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'"],
  badHeader: [422, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"],
  badSignature: [422, 'Signature verification failed'],
  algNone: [422, 'The specified alg value is not allowed'],
  missingSub: [422, 'Missing claim: sub'],
  expired: [401, 'Token has expired'],
  notYetValidNbf: [422, 'The token is not yet valid (nbf)'],
  notYetValidIat: [422, 'The token is not yet valid (iat)'],
  refreshAtAccess: [422, 'Only non-refresh tokens are allowed'],
  accessAtRefresh: [422, 'Only refresh tokens are allowed'],
  notFresh: [401, 'Fresh token required'],
  revoked: [401, 'Token has been revoked'],
  noUser: [401, 'Error loading the user ghost'],
  claimsFailed: [400, 'User claims verification failed'],
} as const;

describe.each(ADAPTERS)("errorFormat: 'flask-jwt-extended' (library filter, guards) on %s", (adapter) => {
  let app: INestApplication;
  let http: HttpClient;
  let tokens: TokenService;

  beforeAll(async () => {
    ({ app, http } = await startFixtureApp(FlaskFormatAppModule, adapter));
    tokens = app.get(TokenService);
  });
  afterAll(() => app.close());

  const expectFlask = async (
    call: Promise<request.Response> | request.Test,
    [status, msg]: readonly [number, string],
    challenge = status === 401 || status === 422 || status === 400,
  ) => {
    const res = await call;
    expect([res.status, res.body]).toEqual([status, { msg }]);
    if (challenge) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  };

  it('answers missing and malformed headers as Flask does', async () => {
    await expectFlask(http.get('/protected'), FLASK.missingHeader);
    await expectFlask(http.get('/protected').set('Authorization', 'Basic abc'), FLASK.otherScheme);
    await expectFlask(http.get('/protected').set('Authorization', 'Bearer'), FLASK.badHeader);
    await expectFlask(http.get('/protected').set('Authorization', 'Bearer a b'), FLASK.badHeader);
  });

  it('answers invalid tokens with 422 and expired ones with 401', async () => {
    await expectFlask(
      http.get('/protected').set(bearer(forge(accessClaims(), { secret: 'x'.repeat(40) }))),
      FLASK.badSignature,
    );
    await expectFlask(http.get('/protected').set(bearer(unsigned(accessClaims()))), FLASK.algNone);
    await expectFlask(http.get('/protected').set(bearer(forge(accessClaims({ sub: undefined })))), FLASK.missingSub);
    await expectFlask(http.get('/protected').set(bearer(forge(accessClaims({ exp: now() - 10 })))), FLASK.expired);
    await expectFlask(
      http.get('/protected').set(bearer(forge(accessClaims({ nbf: now() + 600 })))),
      FLASK.notYetValidNbf,
    );
    const malformed = await http.get('/protected').set(bearer('not-a-token')).expect(422);
    expect(Object.keys(malformed.body)).toEqual(['msg']);
  });

  it('answers the wrong type with 422, a stale token at a fresh route and a revoked one with 401', async () => {
    await expectFlask(http.get('/protected').set(bearer(tokens.createRefreshToken('u-1'))), FLASK.refreshAtAccess);
    await expectFlask(http.post('/refresh').set(bearer(tokens.createAccessToken('u-1'))), FLASK.accessAtRefresh);
    await expectFlask(http.post('/fresh').set(bearer(tokens.createAccessToken('u-1'))), FLASK.notFresh);
    const token = tokens.createAccessToken('u-1');
    await app.get(RevocationService).revokeToken(tokens.verifyToken(token));
    await expectFlask(http.get('/protected').set(bearer(token)), FLASK.revoked);
  });

  it('answers a missing user with 401 and failed claim checks with 400', async () => {
    await expectFlask(http.get('/me').set(bearer(tokens.createAccessToken('ghost'))), FLASK.noUser);
    const nowhere = tokens.createAccessToken('u-1', { additionalClaims: { tenant: 'nowhere' } });
    await expectFlask(http.get('/protected').set(bearer(nowhere)), FLASK.claimsFailed);
    await http
      .get('/me')
      .set(bearer(tokens.createAccessToken('u-1')))
      .expect(200, { name: 'Alice' });
  });
});

describe.each(ADAPTERS)('the demo with JWT_ERROR_FORMAT=flask and rotation on %s', (adapter) => {
  let server: DemoServer;

  beforeAll(async () => {
    server = await startDemo(adapter, { JWT_ERROR_FORMAT: 'flask', JWT_ROTATE_REFRESH_TOKENS: 'true' });
  });
  afterAll(() => server.close());

  const flask = async (call: request.Test, [status, msg]: readonly [number, string]) => {
    const res = await call;
    expect([res.status, res.body]).toEqual([status, { msg }]);
    if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  };

  it('answers every kind of refusal of the demo as Flask-JWT-Extended does', async () => {
    const { http } = server;
    const login = await http.post('/login').send({ username: 'test', password: 'test' }).expect(200);
    const { access_token: access, refresh_token: refresh } = login.body;
    // The demo reads headers, then cookies: Flask's message for several locations.
    await flask(http.get('/protected'), [
      401,
      'Missing JWT in headers or cookies (Missing Authorization Header; Missing cookie "access_token_cookie")',
    ]);
    await flask(http.get('/protected').set('Authorization', 'Basic abc'), [
      401,
      `Missing JWT in headers or cookies (${FLASK.otherScheme[1]}; Missing cookie "access_token_cookie")`,
    ]);
    await flask(http.get('/protected').set('Authorization', 'Bearer a b'), FLASK.badHeader);
    await flask(
      http.get('/protected').set(bearer(forge(accessClaims(), { secret: 'y'.repeat(40) }))),
      FLASK.badSignature,
    );
    await flask(http.get('/protected').set(bearer(forge(accessClaims({ exp: now() - 5 })))), FLASK.expired);
    await flask(
      http.get('/protected').set(bearer(forge(accessClaims({ iat: now() + 600, nbf: undefined })))),
      FLASK.notYetValidIat,
    );
    await flask(http.get('/protected').set(bearer(refresh)), FLASK.refreshAtAccess);
    await flask(http.post('/refresh').set(bearer(access)), FLASK.accessAtRefresh);
    await flask(http.get('/me').set(bearer(forge(accessClaims({ sub: 'ghost' })))), FLASK.noUser);
    // Rotation: the roles survive, and a reused refresh token ends the session as revoked.
    const rotated = await http.post('/refresh').set(bearer(refresh)).expect(200);
    await http
      .get('/protected')
      .set(bearer(rotated.body.access_token))
      .expect(200, { logged_in_as: 'test', fresh: false, roles: ['user'] });
    await flask(http.post('/protected-fresh').set(bearer(rotated.body.access_token)), FLASK.notFresh);
    await flask(http.post('/refresh').set(bearer(refresh)), FLASK.revoked);
    await flask(http.get('/protected').set(bearer(access)), FLASK.revoked);
  });

  it('leaves the demo its own answers for what is not a token refusal', async () => {
    const res = await server.http.post('/login').send({ username: 'test', password: 'nope' }).expect(401);
    expect(res.body.code).toBe('invalid_credentials');
  });
});
