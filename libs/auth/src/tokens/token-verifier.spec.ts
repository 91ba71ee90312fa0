import { createHmac, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import type { VerifiedToken } from './jwt-claims.interface.js';
import type { TokenPolicy } from './token-policy.js';
import { TokenVerifier } from './token-verifier.js';
import { thrownBy } from '../testing/thrown-by.js';

const SECRET = 'x'.repeat(32);
const OTHER_SECRET = 'y'.repeat(32);
const NOW_MS = Date.UTC(2030, 0, 1, 0, 0, 0, 250);
const NOW = Math.floor(NOW_MS / 1000);

/** With local keys verification is synchronous; this subclass says so to the type checker and asserts it. */
class LocalVerifier extends TokenVerifier {
  override verify(...args: Parameters<TokenVerifier['verify']>): VerifiedToken {
    const verified = super.verify(...args);
    if (verified instanceof Promise) throw new Error('expected a synchronous verification with local keys');
    return verified;
  }
}

function makeVerifier(options: Partial<AuthModuleOptions> = {}): LocalVerifier {
  return new LocalVerifier(resolveAuthOptions({ secret: SECRET, ...options }));
}

/** A complete, valid access-token claim set; a key set to `undefined` is left out of the token. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'alice',
    iat: NOW,
    nbf: NOW,
    exp: NOW + 900,
    jti: randomUUID(),
    type: 'access',
    fresh: false,
    ...overrides,
  };
}

const b64url = (json: unknown) => Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');

/**
 * Builds a compact JWT by hand, so the tests can make tokens jsonwebtoken refuses to sign
 * (alg none, array payloads, odd headers).
 */
function forge(
  payload: unknown,
  {
    header = { alg: 'HS256', typ: 'JWT' },
    secret = SECRET,
    hash = 'sha256',
  }: { header?: unknown; secret?: string; hash?: string } = {},
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

function unsigned(payload: unknown, alg: string): string {
  return `${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}.`;
}

/** A token over exactly this payload text (escapes and numbers as written), signed with `SECRET`. */
function forgeText(payloadText: string, headerText = '{"alg":"HS256","typ":"JWT"}'): string {
  const input = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(payloadText).toString('base64url')}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/** Valid claims as JSON text with `extra` (raw JSON members) spliced in first; a member given there replaces its claim. */
function claimsText(extra: string, overrides: Record<string, unknown> = {}): string {
  const names = [...extra.matchAll(/"([a-z_]+)":/g)].map((match) => match[1]!);
  const base = claims(Object.fromEntries([...names.map((name) => [name, undefined]), ...Object.entries(overrides)]));
  return `{${extra},${JSON.stringify(base).slice(1)}`;
}

/** Asserts `fn` throws a 401 AuthError with `code` (and `message`, when given). */
function expectRefused(fn: () => unknown, code: AuthErrorCode, message?: string | RegExp): AuthError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect(authError.code).toBe(code);
  expect(authError.getStatus()).toBe(401);
  if (typeof message === 'string') expect(authError.message).toBe(message);
  if (message instanceof RegExp) expect(authError.message).toMatch(message);
  return authError;
}

describe('TokenVerifier', () => {
  let verifier: LocalVerifier;

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW_MS });
    verifier = makeVerifier();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('a valid token', () => {
    it('passes and yields its header, claims and identity', () => {
      const payload = claims({ roles: ['admin'] });
      const verified = verifier.verify(forge(payload, { header: { alg: 'HS256', typ: 'JWT', cty: 'x' } }));
      expect(verified.header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'x' });
      expect(verified.claims).toEqual(payload);
      expect(verified.identity).toBe('alice');
    });

    it('passes when signed by jsonwebtoken with the same secret', () => {
      const token = jwt.sign(claims(), SECRET, { algorithm: 'HS256' });
      expect(verifier.verify(token).identity).toBe('alice');
    });
  });

  describe('the error thrown', () => {
    it('carries an RFC 6750 invalid_token challenge and a JSON body with the code', () => {
      const error = expectRefused(
        () => verifier.verify(forge(claims(), { secret: OTHER_SECRET })),
        AuthErrorCode.InvalidToken,
      );
      expect(error.challenge).toBe('Bearer error="invalid_token", error_description="Signature verification failed"');
      expect(error.getResponse()).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Signature verification failed',
        code: 'invalid_token',
      });
    });
  });

  describe('signature and format', () => {
    it('refuses a token signed with another key', () => {
      expectRefused(
        () => verifier.verify(forge(claims(), { secret: OTHER_SECRET })),
        AuthErrorCode.InvalidToken,
        'Signature verification failed',
      );
    });

    it('refuses a token whose payload was changed after signing', () => {
      const [header, , signature] = forge(claims()).split('.');
      const tampered = `${header}.${b64url(claims({ sub: 'mallory' }))}.${signature}`;
      expectRefused(() => verifier.verify(tampered), AuthErrorCode.InvalidToken, 'Signature verification failed');
    });

    it('refuses a token whose signature was changed', () => {
      const token = forge(claims());
      const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
      expectRefused(() => verifier.verify(flipped), AuthErrorCode.InvalidToken, 'Signature verification failed');
    });

    it.each(['garbage', 'a.b.c', 'a.b', '...', 'eyJhbGciOiJIUzI1NiJ9.!!!.sig'])(
      'refuses garbage %p as malformed',
      (token) => {
        expectRefused(() => verifier.verify(token), AuthErrorCode.InvalidToken, 'Token is malformed');
      },
    );

    it('refuses the empty string', () => {
      expectRefused(() => verifier.verify(''), AuthErrorCode.InvalidToken, 'Token is empty');
    });

    it.each([undefined, null, 42])('refuses a non-string (%p) as empty', (token) => {
      expectRefused(() => verifier.verify(token as never), AuthErrorCode.InvalidToken, 'Token is empty');
    });

    it('refuses a token longer than maxTokenLength before decoding it', () => {
      const small = makeVerifier({ maxTokenLength: 64 });
      const token = forge(claims());
      expect(token.length).toBeGreaterThan(64);
      expectRefused(() => small.verify(token), AuthErrorCode.InvalidToken, 'Token is larger than 64 characters');
    });

    it('measures the default limit of 8192 characters inclusively', () => {
      expectRefused(
        () => verifier.verify('a'.repeat(8193)),
        AuthErrorCode.InvalidToken,
        'Token is larger than 8192 characters',
      );
      // Exactly at the limit the size check passes, and the token is then judged (and refused) on its content.
      expectRefused(() => verifier.verify('a'.repeat(8192)), AuthErrorCode.InvalidToken, 'Token is malformed');
    });

    it('assertSize accepts a token within the limit', () => {
      expect(() => verifier.assertSize(forge(claims()))).not.toThrow();
    });
  });

  describe('algorithm', () => {
    it.each(['none', 'None', 'NONE', 'nOnE'])('refuses an unsigned token with alg %p', (alg) => {
      expectRefused(
        () => verifier.verify(unsigned(claims(), alg)),
        AuthErrorCode.InvalidToken,
        /algorithm is not allowed/,
      );
    });

    it.each(['none', 'NONE'])('refuses alg %p even with a valid HMAC signature appended', (alg) => {
      const token = forge(claims(), { header: { alg, typ: 'JWT' } });
      expectRefused(
        () => verifier.verify(token),
        AuthErrorCode.InvalidToken,
        'The token algorithm is not allowed (the token is unsigned)',
      );
    });

    it('refuses an HS512 token when HS256 is configured, even with the right secret', () => {
      const token = jwt.sign(claims(), SECRET, { algorithm: 'HS512' });
      expectRefused(() => verifier.verify(token), AuthErrorCode.InvalidToken, 'The token algorithm is not allowed');
    });

    it('refuses an HS256 token when HS512 is configured', () => {
      const secret = 'z'.repeat(64);
      const token = forge(claims(), { secret });
      expectRefused(
        () => makeVerifier({ secret, algorithm: 'HS512' }).verify(token),
        AuthErrorCode.InvalidToken,
        'The token algorithm is not allowed',
      );
    });

    it('accepts an HS512 token when HS512 is configured', () => {
      const secret = 'z'.repeat(64);
      const token = forge(claims(), { secret, header: { alg: 'HS512', typ: 'JWT' }, hash: 'sha512' });
      expect(makeVerifier({ secret, algorithm: 'HS512' }).verify(token).identity).toBe('alice');
    });
  });

  describe('time claims', () => {
    it('refuses an expired token with token_expired', () => {
      expectRefused(
        () => verifier.verify(forge(claims({ iat: NOW - 100, nbf: NOW - 100, exp: NOW - 1 }))),
        AuthErrorCode.TokenExpired,
        'Token has expired',
      );
    });

    it('counts a token as expired at the very second of exp', () => {
      expectRefused(
        () => verifier.verify(forge(claims({ iat: NOW - 100, nbf: NOW - 100, exp: NOW }))),
        AuthErrorCode.TokenExpired,
      );
    });

    it('refuses a token whose nbf is in the future with token_not_yet_valid', () => {
      expectRefused(
        () => verifier.verify(forge(claims({ nbf: NOW + 60 }))),
        AuthErrorCode.TokenNotYetValid,
        'Token is not yet valid (nbf is in the future)',
      );
    });

    it('refuses a token whose iat is in the future with token_not_yet_valid', () => {
      expectRefused(
        () => verifier.verify(forge(claims({ iat: NOW + 60, nbf: undefined }))),
        AuthErrorCode.TokenNotYetValid,
        'Token is not yet valid (iat is in the future)',
      );
    });

    describe('with a leeway of 30 seconds', () => {
      let lenient: LocalVerifier;
      beforeEach(() => {
        lenient = makeVerifier({ leeway: 30 });
      });

      it('lets a slightly expired token pass', () => {
        const token = forge(claims({ iat: NOW - 100, nbf: NOW - 100, exp: NOW - 10 }));
        expect(lenient.verify(token).identity).toBe('alice');
        expectRefused(() => verifier.verify(token), AuthErrorCode.TokenExpired);
      });

      it('still refuses a token expired longer ago than the leeway', () => {
        expectRefused(
          () => lenient.verify(forge(claims({ iat: NOW - 100, nbf: NOW - 100, exp: NOW - 31 }))),
          AuthErrorCode.TokenExpired,
        );
      });

      it('lets a slightly early iat and nbf pass', () => {
        expect(lenient.verify(forge(claims({ iat: NOW + 10, nbf: NOW + 10 }))).identity).toBe('alice');
      });

      it('still refuses an iat further in the future than the leeway', () => {
        expectRefused(
          () => lenient.verify(forge(claims({ iat: NOW + 31, nbf: undefined }))),
          AuthErrorCode.TokenNotYetValid,
        );
      });
    });
  });

  describe('required and well-typed claims', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['missing exp', { exp: undefined }, 'Token has no valid exp claim'],
      ['exp as a string', { exp: String(NOW + 900) }, 'Token has no valid exp claim'],
      ['missing iat', { iat: undefined }, 'Token has no valid iat claim'],
      ['iat as a string', { iat: String(NOW) }, 'Token has no valid iat claim'],
      ['missing jti', { jti: undefined }, 'Token has no valid jti claim'],
      ['empty jti', { jti: '' }, 'Token has no valid jti claim'],
      ['numeric jti', { jti: 7 }, 'Token has no valid jti claim'],
      ['jti over 256 characters', { jti: 'j'.repeat(257) }, 'Token has no valid jti claim'],
      ['missing type', { type: undefined }, 'Token has no type claim'],
      ['unknown type "id"', { type: 'id' }, 'Token type is not known'],
      ['type with other casing', { type: 'Access' }, 'Token type is not known'],
      ['missing fresh', { fresh: undefined }, 'Token has no valid fresh claim'],
      ['fresh as a string', { fresh: 'true' }, 'Token has no valid fresh claim'],
      ['fresh as null', { fresh: null }, 'Token has no valid fresh claim'],
      ['sub as a number', { sub: 42 }, 'Token has no valid sub claim'],
      ['empty sub', { sub: '' }, 'Token has no valid sub claim'],
      ['missing sub', { sub: undefined }, 'Token has no valid sub claim'],
    ])('refuses a token with %s', (_, overrides, message) => {
      expectRefused(() => verifier.verify(forge(claims(overrides))), AuthErrorCode.InvalidToken, message);
    });

    it('accepts a jti of exactly 256 characters', () => {
      expect(verifier.verify(forge(claims({ jti: 'j'.repeat(256) }))).claims.jti).toHaveLength(256);
    });

    it.each([
      ['an array', [claims()]],
      ['a string', 'alice'],
      ['a number', 42],
    ])('refuses a payload that is %s', (_, payload) => {
      expectRefused(
        () => verifier.verify(forge(payload)),
        AuthErrorCode.InvalidToken,
        /Token payload must be a JSON object|Token is malformed/,
      );
    });

    it('refuses an array payload with the JSON object message', () => {
      expectRefused(
        () => verifier.verify(forge([claims()])),
        AuthErrorCode.InvalidToken,
        'Token payload must be a JSON object',
      );
    });

    describe('with a custom identityClaim', () => {
      let custom: LocalVerifier;
      beforeEach(() => {
        custom = makeVerifier({ identityClaim: 'user_id' });
      });

      it('reads the identity from it and does not require sub', () => {
        const verified = custom.verify(forge(claims({ sub: undefined, user_id: 'u-1' })));
        expect(verified.identity).toBe('u-1');
      });

      it.each([undefined, '', 42])('refuses %p as the identity', (userId) => {
        expectRefused(
          () => custom.verify(forge(claims({ user_id: userId }))),
          AuthErrorCode.InvalidToken,
          'Token has no valid user_id claim',
        );
      });

      it('still refuses an ill-typed sub', () => {
        expectRefused(
          () => custom.verify(forge(claims({ user_id: 'u-1', sub: 42 }))),
          AuthErrorCode.InvalidToken,
          'Token has no valid sub claim',
        );
      });
    });
  });

  describe('I-JSON (RFC 7493) and identity strictness', () => {
    describe('lone UTF-16 surrogates (section 2.1)', () => {
      it.each([
        ['a lone high surrogate as a claim', '"x":"\\ud800"'],
        ['a lone low surrogate as a claim', '"x":"\\udc00"'],
        ['a lone surrogate in sub', '"sub":"te\\ud800st"'],
        ['a lone surrogate in a key', '"k\\udbff":1'],
        ['a pair in the wrong order', '"x":"\\ude00\\ud83d"'],
        ['a lone surrogate deep in a claim', '"roles":[{"name":"\\uDFFF"}]'],
      ])('refuses %s', (_, member) => {
        expectRefused(
          () => verifier.verify(forgeText(claimsText(member))),
          AuthErrorCode.InvalidToken,
          'Token payload has a lone UTF-16 surrogate (not I-JSON)',
        );
      });

      it('refuses a lone surrogate in the header', () => {
        expectRefused(
          () => verifier.verify(forgeText(claimsText('"x":1'), '{"alg":"HS256","typ":"JWT","x":"\\ud800"}')),
          AuthErrorCode.InvalidToken,
          'Token header has a lone UTF-16 surrogate (not I-JSON)',
        );
      });

      it('accepts an emoji escaped as a surrogate pair, in sub, a claim and a key', () => {
        const verified = verifier.verify(
          forgeText(claimsText('"sub":"al\\ud83d\\ude00ce","x":"\\uD83D\\uDE00","\\ud83d\\ude01":1')),
        );
        expect(verified.identity).toBe('al\u{1F600}ce');
        expect(verified.claims.x).toBe('\u{1F600}');
        expect(verified.claims['\u{1F601}']).toBe(1);
      });

      it('accepts an escaped backslash before "ud800" (a literal text, no escape)', () => {
        expect(verifier.verify(forgeText(claimsText('"x":"\\\\ud800"'))).claims.x).toBe('\\ud800');
      });
    });

    describe('numbers (section 2.2)', () => {
      it.each([
        ['exp 1e999999', '"exp":1e999999'],
        ['exp -1e999999', '"exp":-1e999999'],
        ['iat 1e400', '"iat":1e400'],
        ['an extra claim 1e309', '"x":1e309'],
        ['a number deep in a claim', '"x":{"y":[1,2E+308]}'],
      ])('refuses %s (Infinity once parsed)', (_, member) => {
        expectRefused(
          () => verifier.verify(forgeText(claimsText(member))),
          AuthErrorCode.InvalidToken,
          'Token payload has a number beyond the range of a double (not I-JSON)',
        );
      });

      it('refuses a number that overflows in the header', () => {
        expectRefused(
          () => verifier.verify(forgeText(claimsText('"x":1'), '{"alg":"HS256","typ":"JWT","n":1e999999}')),
          AuthErrorCode.InvalidToken,
          'Token header has a number beyond the range of a double (not I-JSON)',
        );
      });

      it.each<[string, Record<string, unknown>, string]>([
        ['exp 2^53', { exp: 2 ** 53 }, 'exp'],
        ['exp 2^53 + 2', { exp: 2 ** 53 + 2 }, 'exp'],
        ['exp 1e300', { exp: 1e300 }, 'exp'],
        ['exp the largest double', { exp: Number.MAX_VALUE }, 'exp'],
        ['nbf -(2^53)', { nbf: -(2 ** 53) }, 'nbf'],
        ['iat -1e300', { iat: -1e300 }, 'iat'],
        ['fresh 2^53', { fresh: 2 ** 53 }, 'fresh'],
        ['auth_time 1e20', { auth_time: 1e20 }, 'auth_time'],
      ])('refuses %s: beyond 2^53 - 1 a time claim is not exact in every parser', (_, overrides, name) => {
        expectRefused(
          () => verifier.verify(forge(claims(overrides))),
          AuthErrorCode.InvalidToken,
          `Token ${name} claim is out of range (beyond 2^53 - 1, not I-JSON)`,
        );
      });

      it('refuses exp beyond 2^53 written as digits (9007199254740993 reads as 2^53 here)', () => {
        expectRefused(
          () => verifier.verify(forgeText(claimsText('"exp":9007199254740993'))),
          AuthErrorCode.InvalidToken,
          'Token exp claim is out of range (beyond 2^53 - 1, not I-JSON)',
        );
      });

      it.each<[string, Record<string, unknown>]>([
        ['exp 2^53 - 1', { exp: Number.MAX_SAFE_INTEGER }],
        ['exp a century ahead', { exp: NOW + 100 * 365 * 86400 }],
        ['fractional time claims', { iat: NOW - 0.5, nbf: NOW - 0.25, exp: NOW + 900.5 }],
        ['fresh 2^53 - 1', { fresh: Number.MAX_SAFE_INTEGER }],
        ['auth_time and nbf at -(2^53 - 1)', { auth_time: -Number.MAX_SAFE_INTEGER, nbf: -Number.MAX_SAFE_INTEGER }],
        ['an extra claim of 1e308 (only time claims are bounded)', { big: 1e308 }],
        ['an extra claim beyond 2^53', { id: 2 ** 60 }],
      ])('accepts %s', (_, overrides) => {
        expect(verifier.verify(forge(claims(overrides))).claims).toEqual(
          claims({ ...overrides, jti: expect.any(String) }),
        );
      });

      it('accepts numbers that underflow to zero or are written with an exponent', () => {
        const verified = verifier.verify(forgeText(claimsText(`"x":1e-999999,"y":5e-324,"exp":${NOW + 900}.0e0`)));
        expect(verified.claims).toMatchObject({ x: 0, y: 5e-324, exp: NOW + 900 });
      });
    });

    describe('control characters in the identity', () => {
      it.each([
        ['NUL', 'te\u0000st'],
        ['a newline', 'alice\nadmin'],
        ['a carriage return', 'alice\r'],
        ['a tab', '\talice'],
        ['an ANSI escape', '\u001b[31malice'],
        ['U+001F', 'a\u001f'],
        ['DEL', 'alice\u007f'],
        ['U+0080 (C1)', '\u0080alice'],
        ['NEL, U+0085 (C1)', 'alice\u0085'],
        ['U+009F (C1)', 'a\u009fb'],
      ])('refuses a sub with %s', (_, sub) => {
        expectRefused(
          () => verifier.verify(forge(claims({ sub }))),
          AuthErrorCode.InvalidToken,
          'Token sub claim has control characters',
        );
      });

      it('refuses NUL written as a JSON escape, as the issue found it', () => {
        expectRefused(
          () => verifier.verify(forgeText(claimsText('"sub":"te\\u0000st"'))),
          AuthErrorCode.InvalidToken,
          'Token sub claim has control characters',
        );
      });

      it.each([
        ['non-ASCII letters', 'José Ærøskøbing'],
        ['CJK and Cyrillic', '山田 Дмитрий'],
        ['an emoji', 'al\u{1F600}ce'],
        ['a no-break space (U+00A0, not a control)', 'alice\u00a0b'],
        ['U+00A1 right after the C1 range', '\u00a1alice'],
        ['a space, a tilde and punctuation', 'alice b~c@example.com'],
      ])('accepts a sub with %s', (_, sub) => {
        expect(verifier.verify(forge(claims({ sub }))).identity).toBe(sub);
      });

      it('leaves control characters in other string claims alone (only the identity is echoed and keyed on)', () => {
        expect(verifier.verify(forge(claims({ note: 'line 1\nline 2' }))).claims.note).toBe('line 1\nline 2');
      });

      it('with a custom identityClaim, refuses control characters in it and in sub', () => {
        const custom = makeVerifier({ identityClaim: 'user_id' });
        expectRefused(
          () => custom.verify(forge(claims({ sub: undefined, user_id: 'u\u00001' }))),
          AuthErrorCode.InvalidToken,
          'Token user_id claim has control characters',
        );
        expectRefused(
          () => custom.verify(forge(claims({ sub: 'te\u0000st', user_id: 'u-1' }))),
          AuthErrorCode.InvalidToken,
          'Token sub claim has control characters',
        );
        expect(custom.verify(forge(claims({ sub: 'Zoë', user_id: 'u-1' }))).identity).toBe('u-1');
      });
    });

    it('refuses such a token again on second sight (a refusal is never cached)', () => {
      const token = forgeText(claimsText('"sub":"te\\u0000st"'));
      for (let i = 0; i < 2; i++) {
        expectRefused(() => verifier.verify(token), AuthErrorCode.InvalidToken, /control characters/);
        expect(verifier.isVerified(token)).toBe(false);
      }
    });
  });

  describe('type policy', () => {
    it('accepts a token of the demanded type', () => {
      expect(verifier.verify(forge(claims()), { type: 'access' }).claims.type).toBe('access');
      expect(verifier.verify(forge(claims({ type: 'refresh' })), { type: 'refresh' }).claims.type).toBe('refresh');
    });

    it('refuses a refresh token where an access token is demanded', () => {
      const error = expectRefused(
        () => verifier.verify(forge(claims({ type: 'refresh' })), { type: 'access' }),
        AuthErrorCode.WrongTokenType,
        'Only access tokens are allowed',
      );
      expect(error.challenge).toBe('Bearer error="invalid_token", error_description="Only access tokens are allowed"');
    });

    it('refuses an access token where a refresh token is demanded', () => {
      expectRefused(
        () => verifier.verify(forge(claims()), { type: 'refresh' }),
        AuthErrorCode.WrongTokenType,
        'Only refresh tokens are allowed',
      );
    });

    it('reports an expired token as expired even when its type is also wrong', () => {
      const token = forge(claims({ type: 'refresh', iat: NOW - 100, nbf: NOW - 100, exp: NOW - 1 }));
      expectRefused(() => verifier.verify(token, { type: 'access' }), AuthErrorCode.TokenExpired);
    });

    it('checks the type even when expiry is ignored', () => {
      const token = forge(claims({ type: 'refresh', iat: NOW - 100, nbf: NOW - 100, exp: NOW - 1 }));
      expect(verifier.verify(token, {}, true).claims.type).toBe('refresh');
      expectRefused(() => verifier.verify(token, { type: 'access' }, true), AuthErrorCode.WrongTokenType);
    });
  });

  describe('fresh policy', () => {
    const policy: TokenPolicy = { type: 'access', fresh: true };

    it('accepts fresh: true', () => {
      expect(verifier.verify(forge(claims({ fresh: true })), policy).claims.fresh).toBe(true);
    });

    it('refuses fresh: false with fresh_token_required and an insufficient_user_authentication challenge', () => {
      const error = expectRefused(
        () => verifier.verify(forge(claims({ fresh: false })), policy),
        AuthErrorCode.FreshTokenRequired,
        'Fresh token required',
      );
      expect(error.challenge).toContain('error="insufficient_user_authentication"');
      expect(error.challenge).toBe(
        'Bearer error="insufficient_user_authentication", error_description="Fresh token required"',
      );
    });

    it('does not demand freshness when the policy does not', () => {
      expect(() => verifier.verify(forge(claims({ fresh: false })), { type: 'access' })).not.toThrow();
    });

    it('accepts a token whose fresh window is still open, up to and including its last second', () => {
      expect(() => verifier.verify(forge(claims({ fresh: NOW + 60 })), policy)).not.toThrow();
      expect(() => verifier.verify(forge(claims({ fresh: NOW })), policy)).not.toThrow();
    });

    it('refuses a token whose fresh window has passed', () => {
      expectRefused(() => verifier.verify(forge(claims({ fresh: NOW - 1 })), policy), AuthErrorCode.FreshTokenRequired);
    });

    it('reports the wrong type before freshness', () => {
      expectRefused(
        () => verifier.verify(forge(claims({ type: 'refresh', fresh: false })), policy),
        AuthErrorCode.WrongTokenType,
      );
    });
  });

  describe('with issuer and audience configured', () => {
    let strict: LocalVerifier;
    beforeEach(() => {
      strict = makeVerifier({ issuer: 'https://auth.example', audience: ['api', 'admin'] });
    });

    it('accepts the right issuer and any one of the audiences', () => {
      expect(() => strict.verify(forge(claims({ iss: 'https://auth.example', aud: 'api' })))).not.toThrow();
      expect(() =>
        strict.verify(forge(claims({ iss: 'https://auth.example', aud: ['other', 'admin'] }))),
      ).not.toThrow();
    });

    it.each([
      ['missing iss', { iss: undefined, aud: 'api' }],
      ['wrong iss', { iss: 'https://evil.example', aud: 'api' }],
    ])('refuses %s', (_, overrides) => {
      expectRefused(
        () => strict.verify(forge(claims(overrides))),
        AuthErrorCode.InvalidToken,
        'Token issuer is not accepted',
      );
    });

    it.each([
      ['missing aud', { iss: 'https://auth.example', aud: undefined }],
      ['wrong aud', { iss: 'https://auth.example', aud: 'other' }],
      ['wrong aud array', { iss: 'https://auth.example', aud: ['other', 'more'] }],
    ])('refuses %s', (_, overrides) => {
      expectRefused(
        () => strict.verify(forge(claims(overrides))),
        AuthErrorCode.InvalidToken,
        'Token audience is not accepted',
      );
    });

    it('does not echo the expected issuer or audience to the client', () => {
      const error = expectRefused(
        () => strict.verify(forge(claims({ iss: 'https://evil.example', aud: 'api' }))),
        AuthErrorCode.InvalidToken,
      );
      expect(error.challenge).not.toContain('auth.example');
      expect(JSON.stringify(error.getResponse())).not.toContain('auth.example');
    });
  });

  describe('toAuthError', () => {
    it('returns an AuthError unchanged', () => {
      const original = AuthError.invalid(AuthErrorCode.WrongTokenType, 'x');
      expect(verifier.toAuthError(original)).toBe(original);
    });

    it.each([
      new jwt.JsonWebTokenError('secret or public key must be provided'),
      new jwt.JsonWebTokenError('error in secret or public key callback: ENOENT /etc/keys/private.pem'),
      new jwt.JsonWebTokenError('jwt id invalid. expected: internal-123'),
      new TypeError('Cannot read properties of undefined (reading "internal")'),
      new SyntaxError('Unexpected token } in JSON at position 12'),
      'a thrown string with internal details',
      undefined,
    ])('never exposes the raw message of %p', (raw) => {
      const error = verifier.toAuthError(raw);
      expect(error).toBeInstanceOf(AuthError);
      expect(error.code).toBe(AuthErrorCode.InvalidToken);
      expect(error.getStatus()).toBe(401);
      expect(error.message).toBe('Token is malformed');
      expect(error.challenge).toBe('Bearer error="invalid_token", error_description="Token is malformed"');
      const exposed = `${error.message} ${error.challenge} ${JSON.stringify(error.getResponse())}`;
      for (const secret of ['secret or public key', '/etc/keys', 'internal', 'Unexpected token']) {
        expect(exposed).not.toContain(secret);
      }
    });
  });
});
