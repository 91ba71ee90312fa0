import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { TokenService } from 'nest-jwt-extended';
import { TokenLocationsAppModule } from './fixtures/token-locations.app.js';
import { type HttpClient, startFixtureApp } from './support/demo-server.js';
import { accessClaims, forge, now } from './support/forge.js';
import { ADAPTERS } from './support/test-env.js';

const UNSAFE = ['post', 'put', 'patch', 'delete'] as const;

describe.each(ADAPTERS)('token locations and CSRF double submit on %s', (adapter) => {
  let app: INestApplication;
  let http: HttpClient;
  let tokens: TokenService;
  let access: string;
  let csrf: string;

  beforeAll(async () => {
    ({ app, http } = await startFixtureApp(TokenLocationsAppModule, adapter));
    tokens = app.get(TokenService);
    access = tokens.createAccessToken('alice');
    csrf = tokens.verifyToken(access).csrf!;
  });
  afterAll(() => app.close());

  const cookie = (token = access) => `access_token_cookie=${token}; csrf_access_token=${csrf}`;

  describe('each location, and their precedence', () => {
    it('reads the header, a cookie, the query string and a JSON body, and reports which', async () => {
      await http
        .get('/loc/any')
        .set('Authorization', `Bearer ${access}`)
        .expect(200, { identity: 'alice', location: 'headers' });
      await http.get('/loc/any').set('Cookie', cookie()).expect(200, { identity: 'alice', location: 'cookies' });
      await http.get(`/loc/any?jwt=${access}`).expect(200, { identity: 'alice', location: 'query_string' });
      await http.post('/loc/any').send({ access_token: access }).expect(200, { identity: 'alice', location: 'json' });
    });

    it('takes the first location in order: a header before a cookie, a cookie before the query string', async () => {
      const bob = tokens.createAccessToken('bob');
      await http
        .get(`/loc/any?jwt=${bob}`)
        .set('Authorization', `Bearer ${access}`)
        .set('Cookie', `access_token_cookie=${bob}`)
        .expect(200, { identity: 'alice', location: 'headers' });
      await http
        .get(`/loc/any?jwt=${bob}`)
        .set('Cookie', cookie())
        .expect(200, { identity: 'alice', location: 'cookies' });
    });

    it('moves on only when a location holds no token: a bad header is refused even with a good cookie', async () => {
      const res = await http
        .get('/loc/any')
        .set('Authorization', 'Bearer not a token')
        .set('Cookie', cookie())
        .expect(401);
      expect(res.body.code).toBe('invalid_authorization_header');
      const expired = forge(accessClaims({ sub: 'alice', exp: now() - 60 }));
      const stale = await http
        .get('/loc/any')
        .set('Cookie', `access_token_cookie=${expired}`)
        .query({ jwt: access })
        .expect(401);
      expect(stale.body.code).toBe('token_expired');
      // Another scheme carries no token of ours: the cookie is used.
      await http.get('/loc/any').set('Authorization', 'Basic dTpw').set('Cookie', cookie()).expect(200, {
        identity: 'alice',
        location: 'cookies',
      });
    });

    it('says where it looked when no location holds a token', async () => {
      const res = await http.get('/loc/any').expect(401);
      expect(res.body).toMatchObject({
        code: 'authorization_required',
        message:
          'Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie ' +
          '"access_token_cookie"; Missing "jwt" query parameter; Missing "access_token" key in a JSON body)',
      });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('honours @TokenLocation on a route: only cookies, or the query string before the header', async () => {
      const header = await http.get('/loc/cookies-only').set('Authorization', `Bearer ${access}`).expect(401);
      expect(header.body).toMatchObject({
        code: 'authorization_required',
        message: 'Missing cookie "access_token_cookie"',
      });
      await http
        .get('/loc/cookies-only')
        .set('Cookie', cookie())
        .expect(200, { identity: 'alice', location: 'cookies' });
      const bob = tokens.createAccessToken('bob');
      await http
        .get(`/loc/query-first?jwt=${bob}`)
        .set('Authorization', `Bearer ${access}`)
        .expect(200, { identity: 'bob', location: 'query_string' });
    });

    it('reads the refresh cookie and the refresh JSON key for RefreshJwtGuard', async () => {
      const refresh = tokens.createRefreshToken('alice');
      const refreshCsrf = tokens.verifyToken(refresh).csrf!;
      await http
        .post('/loc/refresh')
        .set('Cookie', `refresh_token_cookie=${refresh}; access_token_cookie=${access}`)
        .set('X-CSRF-TOKEN', refreshCsrf)
        .expect(201, { identity: 'alice', location: 'cookies' });
      await http
        .post('/loc/refresh')
        .send({ refresh_token: refresh })
        .expect(201, { identity: 'alice', location: 'json' });
      // The access cookie is not a refresh token, wherever it is sent.
      const wrong = await http
        .post('/loc/refresh')
        .set('Cookie', `refresh_token_cookie=${access}`)
        .set('X-CSRF-TOKEN', csrf)
        .expect(401);
      expect(wrong.body.code).toBe('wrong_token_type');
    });

    it('reports no location on an optional route called without a token', async () => {
      await http.post('/loc/optional').expect(201, { identity: null, location: null });
    });
  });

  describe('CSRF double submit', () => {
    it.each(UNSAFE)('%s with a cookie needs X-CSRF-TOKEN equal to the csrf claim', async (method) => {
      const missing = await http[method]('/loc/any').set('Cookie', cookie()).expect(401);
      expect(missing.body).toMatchObject({ code: 'csrf_token_missing', message: 'Missing CSRF token' });
      const wrong = await http[method]('/loc/any')
        .set('Cookie', cookie())
        .set('X-CSRF-TOKEN', `${csrf.slice(0, -1)}${csrf.endsWith('0') ? '1' : '0'}`)
        .expect(401);
      expect(wrong.body).toMatchObject({
        code: 'csrf_token_mismatch',
        message: 'CSRF double submit tokens do not match',
      });
      // @All() routes answer 200 on every method.
      await http[method]('/loc/any')
        .set('Cookie', cookie())
        .set('X-CSRF-TOKEN', csrf)
        .expect(200, { identity: 'alice', location: 'cookies' });
      // Never an echo of the value sent.
      expect(JSON.stringify(wrong.body)).not.toContain(csrf.slice(0, -1));
    });

    it('does not check GET, HEAD or OPTIONS', async () => {
      await http.get('/loc/any').set('Cookie', cookie()).expect(200);
      await http.head('/loc/any').set('Cookie', cookie()).expect(200);
      await http.options('/loc/any').set('Cookie', cookie()).expect(200);
    });

    it.each(UNSAFE)('never checks a header-borne token on %s', async (method) => {
      await http[method]('/loc/any').set('Authorization', `Bearer ${access}`).expect(200);
    });

    it("refuses another token's CSRF value, and a cookie token minted without a csrf claim", async () => {
      const other = tokens.verifyToken(tokens.createAccessToken('alice')).csrf!;
      const res = await http.post('/loc/any').set('Cookie', cookie()).set('X-CSRF-TOKEN', other).expect(401);
      expect(res.body.code).toBe('csrf_token_mismatch');
      const noClaim = forge(accessClaims({ sub: 'alice' }));
      const bare = await http
        .post('/loc/any')
        .set('Cookie', `access_token_cookie=${noClaim}`)
        .set('X-CSRF-TOKEN', csrf)
        .expect(401);
      expect(bare.body.code).toBe('csrf_token_mismatch');
    });

    it('applies to the passport strategy too', async () => {
      await http.get('/passport').set('Cookie', cookie()).expect(200, { identity: 'alice', location: 'cookies' });
      const missing = await http.post('/passport').set('Cookie', cookie()).expect(401);
      expect(missing.body.code).toBe('csrf_token_missing');
      await http
        .post('/passport')
        .set('Cookie', cookie())
        .set('X-CSRF-TOKEN', csrf)
        .expect(200, { identity: 'alice', location: 'cookies' });
    });
  });

  describe('implicit refresh', () => {
    const setCookies = (headers: Record<string, unknown>) => (headers['set-cookie'] as string[] | undefined) ?? [];

    it('sets a new, non-fresh access cookie with the same CSRF value when a cookie token is close to expiry', async () => {
      const pair = { sid: 'a7d8c1a2-3b4c-4d5e-8f90-123456789abc', csrf: '0f0e0d0c-0b0a-4909-8807-060504030201' };
      const closing = forge(accessClaims({ sub: 'alice', fresh: true, exp: now() + 60, ...pair, roles: ['admin'] }));
      const res = await http.get('/loc/any').set('Cookie', `access_token_cookie=${closing}`).expect(200);
      const [accessCookie, csrfCookie] = setCookies(res.headers);
      expect(accessCookie).toMatch(
        /^access_token_cookie=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=900; Path=\/; HttpOnly; SameSite=Lax$/,
      );
      expect(csrfCookie).toBe(`csrf_access_token=${pair.csrf}; Max-Age=900; Path=/; SameSite=Lax`);
      const renewed = tokens.verifyToken(/^access_token_cookie=([^;]+)/.exec(accessCookie!)![1]!);
      expect(renewed).toMatchObject({ sub: 'alice', fresh: false, roles: ['admin'], ...pair });
    });

    it('leaves tokens far from expiry, header-borne tokens and refused requests alone', async () => {
      expect(setCookies((await http.get('/loc/any').set('Cookie', cookie()).expect(200)).headers)).toEqual([]);
      const closing = forge(accessClaims({ sub: 'alice', exp: now() + 60 }));
      expect(
        setCookies((await http.get('/loc/any').set('Authorization', `Bearer ${closing}`).expect(200)).headers),
      ).toEqual([]);
      const csrfClosing = forge(accessClaims({ sub: 'alice', exp: now() + 60, csrf }));
      const refused = await http.post('/loc/any').set('Cookie', `access_token_cookie=${csrfClosing}`).expect(401);
      expect(setCookies(refused.headers)).toEqual([]);
    });
  });
});
