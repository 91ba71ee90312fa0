import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import { HeaderTokenExtractor, type RequestWithHeaders } from './header-token.extractor.js';
import { thrownBy } from '../testing/thrown-by.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

function makeExtractor(options: Partial<AuthModuleOptions> = {}): HeaderTokenExtractor {
  const resolved = resolveAuthOptions({ secret: 'x'.repeat(32), ...options });
  return new HeaderTokenExtractor(resolved);
}

function request(headers: RequestWithHeaders['headers']): RequestWithHeaders {
  return { headers };
}

function expectRefused(fn: () => unknown, code: AuthErrorCode): AuthError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect(authError.code).toBe(code);
  expect(authError.getStatus()).toBe(401);
  return authError;
}

describe('HeaderTokenExtractor', () => {
  describe('one extractor, many headers in turn', () => {
    it('judges each header on its own, whatever came before it', () => {
      const extractor = makeExtractor();
      const other = TOKEN.replace('c2lnbmF0dXJl', 'b3RoZXI');
      expect(extractor.extract(request({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
      expect(extractor.extract(request({ authorization: ['Bearer', TOKEN].join(' ') }))).toBe(TOKEN);
      expect(extractor.extract(request({ authorization: `Bearer ${other}` }))).toBe(other);
      expectRefused(
        () => extractor.extract(request({ authorization: `Bearer ${TOKEN} ${TOKEN}` })),
        AuthErrorCode.InvalidAuthorizationHeader,
      );
      expectRefused(
        () => extractor.extract(request({ authorization: `Basic ${TOKEN}` })),
        AuthErrorCode.InvalidAuthorizationHeader,
      );
      expect(extractor.extract(request({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
      expect(extractor.extract(request({}))).toBeUndefined();
      expect(extractor.extract(request({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
    });

    it('refuses a bad header every time it is sent', () => {
      const extractor = makeExtractor();
      for (let i = 0; i < 2; i += 1) {
        expectRefused(
          () => extractor.extract(request({ authorization: 'Bearer a b' })),
          AuthErrorCode.InvalidAuthorizationHeader,
        );
        expectRefused(
          () => extractor.extract(request({ authorization: ['Bearer a', 'Bearer b'] })),
          AuthErrorCode.InvalidAuthorizationHeader,
        );
      }
    });
  });

  describe('with the default Authorization: Bearer header', () => {
    const extractor = makeExtractor();

    it('returns undefined when there is no Authorization header', () => {
      expect(extractor.extract(request({}))).toBeUndefined();
      expect(extractor.extract(request({ 'x-other': 'Bearer abc', cookie: 'token=abc' }))).toBeUndefined();
    });

    it('returns undefined for an empty Authorization header', () => {
      expect(extractor.extract(request({ authorization: '' }))).toBeUndefined();
    });

    it('returns the token after "Bearer "', () => {
      expect(extractor.extract(request({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
    });

    it.each(['bearer', 'BEARER', 'BeArEr'])('matches the scheme case-insensitively (%p)', (scheme) => {
      expect(extractor.extract(request({ authorization: `${scheme} ${TOKEN}` }))).toBe(TOKEN);
    });

    it('tolerates surrounding and repeated whitespace', () => {
      expect(extractor.extract(request({ authorization: `  Bearer    ${TOKEN}  ` }))).toBe(TOKEN);
      expect(extractor.extract(request({ authorization: `Bearer\t${TOKEN}` }))).toBe(TOKEN);
    });

    it('does not judge the token itself: that is the verifier job', () => {
      expect(extractor.extract(request({ authorization: 'Bearer not-a-jwt' }))).toBe('not-a-jwt');
    });

    it.each(['Basic abc', 'Basic dXNlcjpwYXNz', 'Token abc', `Bearerx ${TOKEN}`, TOKEN, `JWT ${TOKEN}`])(
      'refuses the wrong scheme in %p with a bare Bearer challenge',
      (authorization) => {
        const error = expectRefused(
          () => extractor.extract(request({ authorization })),
          AuthErrorCode.InvalidAuthorizationHeader,
        );
        expect(error.challenge).toBe('Bearer');
        expect(error.message).toMatch(/Missing 'Bearer' type in 'Authorization' header/i);
        expect(error.getResponse()).toMatchObject({ statusCode: 401, code: 'invalid_authorization_header' });
      },
    );

    it.each(['Bearer', 'Bearer    ', 'Bearer a b', `Bearer ${TOKEN} ${TOKEN}`, 'Bearer a\tb'])(
      'refuses %p as an invalid_request',
      (authorization) => {
        const error = expectRefused(
          () => extractor.extract(request({ authorization })),
          AuthErrorCode.InvalidAuthorizationHeader,
        );
        expect(error.challenge).toMatch(/^Bearer error="invalid_request", error_description="[^"]+"$/);
        expect(error.message).toMatch(/^Bad Authorization header\. Expected 'Authorization: Bearer <JWT>'$/i);
      },
    );

    it('refuses a header sent several times (an array value) as an invalid_request', () => {
      const error = expectRefused(
        () => extractor.extract(request({ authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] })),
        AuthErrorCode.InvalidAuthorizationHeader,
      );
      expect(error.challenge).toContain('error="invalid_request"');
    });
  });

  describe('token size', () => {
    const extractor = makeExtractor({ maxTokenLength: 64 });

    it('refuses a token longer than maxTokenLength with invalid_token', () => {
      const error = expectRefused(
        () => extractor.extract(request({ authorization: `Bearer ${'a'.repeat(65)}` })),
        AuthErrorCode.InvalidToken,
      );
      expect(error.message).toBe('Token is larger than 64 characters');
      expect(error.challenge).toBe(
        'Bearer error="invalid_token", error_description="Token is larger than 64 characters"',
      );
    });

    it('accepts a token of exactly maxTokenLength', () => {
      const token = 'a'.repeat(64);
      expect(extractor.extract(request({ authorization: `Bearer ${token}` }))).toBe(token);
    });

    it('applies the default limit of 8192 characters', () => {
      const defaults = makeExtractor();
      expectRefused(
        () => defaults.extract(request({ authorization: `Bearer ${'a'.repeat(8193)}` })),
        AuthErrorCode.InvalidToken,
      );
      expect(defaults.extract(request({ authorization: `Bearer ${'a'.repeat(8192)}` }))).toHaveLength(8192);
    });
  });

  describe('with a custom header name and no scheme', () => {
    const extractor = makeExtractor({ headerName: 'X-Access-Token', headerScheme: '' });

    it('reads the bare token from the lower-cased header', () => {
      expect(extractor.extract(request({ 'x-access-token': TOKEN }))).toBe(TOKEN);
      expect(extractor.extract(request({ 'x-access-token': `  ${TOKEN} ` }))).toBe(TOKEN);
    });

    it('looks the header up by its lower-cased name only, as Node delivers it', () => {
      expect(extractor.extract(request({ 'X-Access-Token': TOKEN }))).toBeUndefined();
    });

    it('ignores the Authorization header', () => {
      expect(extractor.extract(request({ authorization: `Bearer ${TOKEN}` }))).toBeUndefined();
    });

    it('refuses a value with a scheme in front, since no scheme is expected', () => {
      const error = expectRefused(
        () => extractor.extract(request({ 'x-access-token': `Bearer ${TOKEN}` })),
        AuthErrorCode.InvalidAuthorizationHeader,
      );
      expect(error.challenge).toContain('error="invalid_request"');
      expect(error.message).toMatch(/Expected 'X-Access-Token: <JWT>'/i);
    });

    it('refuses a header of only whitespace', () => {
      expectRefused(
        () => extractor.extract(request({ 'x-access-token': '   ' })),
        AuthErrorCode.InvalidAuthorizationHeader,
      );
    });
  });

  describe('with a custom scheme', () => {
    const extractor = makeExtractor({ headerName: 'X-Access-Token', headerScheme: 'JWT' });

    it('reads the token after that scheme, case-insensitively', () => {
      expect(extractor.extract(request({ 'x-access-token': `JWT ${TOKEN}` }))).toBe(TOKEN);
      expect(extractor.extract(request({ 'x-access-token': `jwt ${TOKEN}` }))).toBe(TOKEN);
    });

    it('refuses Bearer in its place with a bare challenge', () => {
      const error = expectRefused(
        () => extractor.extract(request({ 'x-access-token': `Bearer ${TOKEN}` })),
        AuthErrorCode.InvalidAuthorizationHeader,
      );
      expect(error.challenge).toBe('Bearer');
      expect(error.message).toMatch(/Missing 'JWT' type in 'X-Access-Token' header/i);
    });
  });
});

describe('HeaderTokenExtractor with several schemes (headerScheme: [...])', () => {
  it('takes each listed scheme, in any case, and refuses any other as before', () => {
    const extractor = makeExtractor({ headerScheme: ['Bearer', 'JWT'] });
    for (const value of [`Bearer ${TOKEN}`, `JWT ${TOKEN}`, `jwt ${TOKEN}`, `  JWT   ${TOKEN} `]) {
      expect(extractor.extract(request({ authorization: value }))).toBe(TOKEN);
    }
    const refused = expectRefused(
      () => extractor.extract(request({ authorization: `Token ${TOKEN}` })),
      AuthErrorCode.InvalidAuthorizationHeader,
    );
    expect(refused.message).toBe(
      "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'",
    );
    // The first scheme is the canonical one: a handshake's token is carried under it.
    expect(extractor.headersCarrying(TOKEN)).toEqual({ authorization: `Bearer ${TOKEN}` });
  });

  it('keeps a single scheme to that scheme', () => {
    expectRefused(
      () => makeExtractor().extract(request({ authorization: `JWT ${TOKEN}` })),
      AuthErrorCode.InvalidAuthorizationHeader,
    );
  });

  it('refuses a list that is empty, repeats a scheme, or mixes "" in', () => {
    for (const headerScheme of [[], ['Bearer', 'bearer'], ['Bearer', ''], ['Bearer', 'two words']]) {
      expect(() => makeExtractor({ headerScheme })).toThrow('option "headerScheme"');
    }
  });
});
