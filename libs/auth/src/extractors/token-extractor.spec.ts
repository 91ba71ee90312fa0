import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import { thrownBy } from '../testing/thrown-by.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { HeaderTokenExtractor } from './header-token.extractor.js';
import { type ExtractableRequest, TokenExtractor } from './token-extractor.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const OTHER = TOKEN.replace('c2lnbmF0dXJl', 'b3RoZXI');
const CSRF = '6c2b0c2e-43d4-4bf4-9a3c-0b6d5e1f2a3b';

function makeExtractor(options: Partial<AuthModuleOptions> = {}): TokenExtractor {
  const resolved = resolveAuthOptions({ secret: 'x'.repeat(32), ...options });
  return new TokenExtractor(resolved, new HeaderTokenExtractor(resolved));
}

function request(parts: Partial<ExtractableRequest> & { headers?: ExtractableRequest['headers'] }): ExtractableRequest {
  return { method: 'GET', ...parts, headers: parts.headers ?? {} };
}

function refusal(fn: () => unknown): AuthError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).getStatus()).toBe(401);
  return error as AuthError;
}

const claims = (csrf?: string) =>
  ({ sub: 'alice', iat: 1, exp: 2, jti: 'j', type: 'access', fresh: false, csrf }) as JwtClaims;

describe('TokenExtractor', () => {
  const all = makeExtractor({ tokenLocation: ['headers', 'cookies', 'query_string', 'json'] });

  describe('locations and precedence', () => {
    it('reads only the header by default, and says so when it is missing', () => {
      const extractor = makeExtractor();
      expect(extractor.extract(request({ headers: { authorization: `Bearer ${TOKEN}` } }))).toEqual({
        token: TOKEN,
        location: 'headers',
        verified: null, // looked up in the verified-token cache: not there
      });
      expect(extractor.extract(request({ headers: { cookie: `access_token_cookie=${TOKEN}` } }))).toBeUndefined();
      expect(extractor.extract(request({ query: { jwt: TOKEN } }))).toBeUndefined();
      expect(extractor.missingMessage()).toBe('Missing Authorization Header');
    });

    it('takes the first location that holds a token, in the configured order', () => {
      const everywhere = request({
        headers: {
          authorization: `Bearer ${TOKEN}`,
          cookie: `access_token_cookie=${OTHER}`,
          'content-type': 'application/json',
        },
        query: { jwt: OTHER },
        body: { access_token: OTHER },
      });
      expect(all.extract(everywhere)?.location).toBe('headers');
      expect(all.extract(everywhere)?.token).toBe(TOKEN);
      const reversed = makeExtractor({ tokenLocation: ['json', 'query_string', 'cookies', 'headers'] });
      expect(reversed.extract(everywhere)).toEqual({ token: OTHER, location: 'json' });
      expect(all.extract(request({ query: { jwt: OTHER } }))).toEqual({ token: OTHER, location: 'query_string' });
      expect(all.extract(request({ headers: { cookie: `a=b; access_token_cookie=${OTHER}` } }))).toEqual({
        token: OTHER,
        location: 'cookies',
      });
    });

    it('lets a route narrow or reorder the locations', () => {
      const both = request({ headers: { authorization: `Bearer ${TOKEN}`, cookie: `access_token_cookie=${OTHER}` } });
      expect(all.extract(both, 'access', ['cookies'])?.token).toBe(OTHER);
      expect(all.extract(both, 'access', ['cookies', 'headers'])?.token).toBe(OTHER);
      expect(all.extract(request({ headers: { cookie: `access_token_cookie=${OTHER}` } }), 'access', ['headers'])).toBe(
        undefined,
      );
    });

    it('reads the refresh cookie and JSON key for refresh tokens', () => {
      const req = request({
        headers: { cookie: `access_token_cookie=${TOKEN}; refresh_token_cookie=${OTHER}` },
      });
      expect(all.extract(req, 'refresh')?.token).toBe(OTHER);
      expect(all.extract(req, 'access')?.token).toBe(TOKEN);
      const json = request({
        method: 'GET',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: { refresh_token: OTHER, access_token: TOKEN },
      });
      expect(all.extract(json, 'refresh', ['json'])?.token).toBe(OTHER);
      expect(all.extract(json, 'access', ['json'])?.token).toBe(TOKEN);
    });

    it('stops at a malformed value instead of moving on to a weaker location', () => {
      const bad = request({ headers: { authorization: 'Bearer a b', cookie: `access_token_cookie=${TOKEN}` } });
      expect(refusal(() => all.extract(bad)).code).toBe(AuthErrorCode.InvalidAuthorizationHeader);
      expect(refusal(() => all.extract(request({ query: { jwt: [TOKEN, OTHER] } }))).code).toBe(
        AuthErrorCode.InvalidToken,
      );
      const json = request({ headers: { 'content-type': 'application/json' }, body: { access_token: 42 } });
      expect(refusal(() => all.extract(json, 'access', ['json'])).code).toBe(AuthErrorCode.InvalidToken);
      const huge = request({ headers: { cookie: `access_token_cookie=${'a'.repeat(9000)}` } });
      expect(refusal(() => all.extract(huge)).code).toBe(AuthErrorCode.InvalidToken);
    });

    it('treats another scheme as "no token here" only when other locations follow', () => {
      const basic = request({ headers: { authorization: 'Basic dTpw', cookie: `access_token_cookie=${TOKEN}` } });
      expect(all.extract(basic)).toEqual({ token: TOKEN, location: 'cookies' });
      expect(refusal(() => makeExtractor().extract(basic)).code).toBe(AuthErrorCode.InvalidAuthorizationHeader);
    });

    it('ignores a JSON body that is not JSON, as Flask-JWT-Extended does', () => {
      const form = request({
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: { access_token: TOKEN },
      });
      expect(all.extract(form, 'access', ['json'])).toBeUndefined();
      const problem = request({
        headers: { 'content-type': 'application/problem+json' },
        body: { access_token: TOKEN },
      });
      expect(all.extract(problem, 'access', ['json'])?.token).toBe(TOKEN);
    });

    it('honours a query-string value prefix', () => {
      const prefixed = makeExtractor({
        tokenLocation: 'query_string',
        queryString: { name: 't', valuePrefix: 'Bearer ' },
      });
      expect(prefixed.extract(request({ query: { t: `Bearer ${TOKEN}` } }))?.token).toBe(TOKEN);
      expect(refusal(() => prefixed.extract(request({ query: { t: TOKEN } }))).code).toBe(AuthErrorCode.InvalidToken);
      expect(prefixed.extract(request({ query: { jwt: TOKEN } }))).toBeUndefined();
    });

    it("lists every location it looked in, in Flask-JWT-Extended's words", () => {
      expect(all.missingMessage()).toBe(
        'Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie ' +
          '"access_token_cookie"; Missing "jwt" query parameter; Missing "access_token" key in a JSON body)',
      );
      expect(all.missingMessage('refresh', ['cookies'])).toBe('Missing cookie "refresh_token_cookie"');
    });
  });

  describe('CSRF double submit', () => {
    const cookie = `access_token_cookie=${TOKEN}; csrf_access_token=${CSRF}`;

    it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'post'])('asks %s for the CSRF header', (method) => {
      const error = refusal(() => all.extract(request({ method, headers: { cookie } })));
      expect(error.code).toBe(AuthErrorCode.CsrfTokenMissing);
      expect(error.message).toBe('Missing CSRF token');
      const found = all.extract(request({ method, headers: { cookie, 'x-csrf-token': CSRF } }));
      expect(found).toEqual({ token: TOKEN, location: 'cookies', csrf: CSRF });
    });

    it.each(['GET', 'HEAD', 'OPTIONS'])('does not check %s', (method) => {
      expect(all.extract(request({ method, headers: { cookie } }))).toEqual({ token: TOKEN, location: 'cookies' });
    });

    it('never checks a token from the header, the query string or a JSON body', () => {
      expect(
        all.extract(request({ method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } }))?.csrf,
      ).toBeUndefined();
      expect(all.extract(request({ method: 'POST', query: { jwt: TOKEN } }))?.csrf).toBeUndefined();
    });

    it('compares the value with the claim, and refuses a token without one', () => {
      const found = all.extract(request({ method: 'POST', headers: { cookie, 'x-csrf-token': CSRF } }))!;
      expect(() => all.assertCsrf(found, claims(CSRF))).not.toThrow();
      const mismatch = refusal(() => all.assertCsrf(found, claims(CSRF.replace('6', '7'))));
      expect(mismatch.code).toBe(AuthErrorCode.CsrfTokenMismatch);
      expect(mismatch.message).toBe('CSRF double submit tokens do not match');
      expect(refusal(() => all.assertCsrf(found, claims(undefined))).code).toBe(AuthErrorCode.CsrfTokenMismatch);
      expect(() => all.assertCsrf({ token: TOKEN, location: 'cookies' }, claims(undefined))).not.toThrow();
    });

    it('matches only the exact value (property)', () => {
      const found = (value: string) => ({ token: TOKEN, location: 'cookies' as const, csrf: value });
      fc.assert(
        fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (sent, claim) => {
          const accepted = thrownBy(() => {
            all.assertCsrf(found(sent), claims(claim));
            throw new Error('accepted');
          });
          expect((accepted as Error).message === 'accepted').toBe(sent === claim);
        }),
      );
    });

    it('uses the refresh header for refresh tokens, and the form field only when asked', () => {
      const named = makeExtractor({
        tokenLocation: 'cookies',
        csrf: { refreshHeaderName: 'X-Refresh-CSRF', checkForm: true, refreshFieldName: 'csrf_refresh' },
      });
      const refreshCookie = `refresh_token_cookie=${TOKEN}`;
      expect(
        named.extract(
          request({ method: 'POST', headers: { cookie: refreshCookie, 'x-refresh-csrf': CSRF } }),
          'refresh',
        )?.csrf,
      ).toBe(CSRF);
      expect(
        refusal(() =>
          named.extract(
            request({ method: 'POST', headers: { cookie: refreshCookie, 'x-csrf-token': CSRF } }),
            'refresh',
          ),
        ).code,
      ).toBe(AuthErrorCode.CsrfTokenMissing);
      expect(
        named.extract(
          request({ method: 'POST', headers: { cookie: refreshCookie }, body: { csrf_refresh: CSRF } }),
          'refresh',
        )?.csrf,
      ).toBe(CSRF);
      expect(
        refusal(() => all.extract(request({ method: 'POST', headers: { cookie }, body: { csrf_token: CSRF } }))).code,
      ).toBe(AuthErrorCode.CsrfTokenMissing);
    });

    it('checks the configured methods only, or none when CSRF protection is off', () => {
      const deleteOnly = makeExtractor({ tokenLocation: 'cookies', csrf: { methods: ['delete'] } });
      expect(deleteOnly.extract(request({ method: 'POST', headers: { cookie } }))?.csrf).toBeUndefined();
      expect(refusal(() => deleteOnly.extract(request({ method: 'DELETE', headers: { cookie } }))).code).toBe(
        AuthErrorCode.CsrfTokenMissing,
      );
      const off = makeExtractor({ tokenLocation: 'cookies', csrf: { enabled: false } });
      expect(off.extract(request({ method: 'POST', headers: { cookie } }))).toEqual({
        token: TOKEN,
        location: 'cookies',
      });
    });
  });
});
