import { describe, expect, it } from '@jest/globals';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { assertHeaderUnderstood } from './jose-header.js';

/** Asserts the header is refused with a 401 invalid_token and exactly `message`. */
function expectRefused(header: Record<string, unknown>, message: string): void {
  let thrown: unknown;
  try {
    assertHeaderUnderstood(header);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AuthError);
  const error = thrown as AuthError;
  expect(error.code).toBe(AuthErrorCode.InvalidToken);
  expect(error.getStatus()).toBe(401);
  expect(error.message).toBe(message);
  expect(error.challenge).toBe(`Bearer error="invalid_token", error_description="${message}"`);
}

describe('assertHeaderUnderstood', () => {
  describe('accepts', () => {
    it.each<[string, Record<string, unknown>]>([
      ['alg alone', { alg: 'HS256' }],
      ['alg and typ JWT', { alg: 'HS256', typ: 'JWT' }],
      ['another typ string', { alg: 'RS256', typ: 'at+jwt' }],
      ['an empty typ string', { alg: 'RS256', typ: '' }],
      ['kid and cty', { alg: 'ES256', kid: 'k-1', cty: 'JWT' }],
      ['unknown, non-critical parameters', { alg: 'EdDSA', 'x-custom': { nested: true }, b64: false }],
      // Never fetched nor trusted, so harmless to leave in the header.
      [
        'jku, x5u, jwk and x5c',
        {
          alg: 'RS256',
          jku: 'https://evil.example/jwks',
          x5u: 'https://evil.example/x5u',
          jwk: { kty: 'oct', k: 'AA' },
          x5c: ['MII'],
        },
      ],
      ['an empty header (alg is judged by the key set)', {}],
    ])('%s', (_, header) => {
      expect(() => assertHeaderUnderstood(header)).not.toThrow();
    });
  });

  describe('refuses crit', () => {
    it.each<[string, unknown]>([
      ['null', null],
      ['a string', 'exp'],
      ['an object', { exp: true }],
      ['a number', 1],
      ['false', false],
      ['an empty array', []],
      ['an array with an empty name', ['']],
      ['an array with a number', [1]],
      ['an array with null', [null]],
      ['an array mixing a name and a number', ['ext', 2]],
    ])('that is %s, as malformed', (_, crit) => {
      expectRefused({ alg: 'HS256', crit, ext: 1 }, 'Token header crit must be a non-empty array of names');
    });

    it('that lists a name twice', () => {
      expectRefused({ alg: 'HS256', crit: ['ext', 'ext'], ext: 1 }, 'Token header crit lists a name twice');
    });

    it.each([
      'alg',
      'kid',
      'typ',
      'cty',
      'crit',
      'jku',
      'jwk',
      'x5u',
      'x5c',
      'x5t',
      'x5t#S256',
      'enc',
      'zip',
      'epk',
      'apu',
      'apv',
      'iv',
      'tag',
      'p2s',
      'p2c',
    ])('that lists the registered parameter %p, even when present', (name) => {
      expectRefused(
        { alg: 'HS256', kid: 'k', typ: 'JWT', [name]: 'x', crit: [name] },
        'Token header crit lists a registered header parameter',
      );
    });

    it('that lists a parameter the header lacks', () => {
      expectRefused({ alg: 'HS256', crit: ['ext'] }, 'Token header crit lists a parameter the header lacks');
    });

    it('that lists a parameter found only on the prototype chain', () => {
      expectRefused({ alg: 'HS256', crit: ['toString'] }, 'Token header crit lists a parameter the header lacks');
    });

    it('that lists a present extension: this library understands none', () => {
      expectRefused({ alg: 'HS256', crit: ['ext'], ext: true }, 'Token header crit lists an unsupported extension');
    });

    it('b64 (RFC 7797, unencoded payload) as an unsupported extension', () => {
      expectRefused({ alg: 'HS256', crit: ['b64'], b64: false }, 'Token header crit lists an unsupported extension');
    });

    it('that lists several present extensions', () => {
      expectRefused(
        { alg: 'HS256', crit: ['exp', 'ext'], exp: 1, ext: 2 },
        'Token header crit lists an unsupported extension',
      );
    });

    it('checks duplicates before registered names, and registered names before missing ones', () => {
      expectRefused({ alg: 'HS256', crit: ['alg', 'alg'] }, 'Token header crit lists a name twice');
      expectRefused(
        { alg: 'HS256', crit: ['missing', 'alg'] },
        'Token header crit lists a registered header parameter',
      );
    });
  });

  describe('typ', () => {
    it.each<[string, unknown]>([
      ['a number', 1],
      ['null', null],
      ['true', true],
      ['an array', ['JWT']],
      ['an object', { value: 'JWT' }],
    ])('refuses %s', (_, typ) => {
      expectRefused({ alg: 'HS256', typ }, 'Token header has an invalid typ');
    });

    it('accepts a header without typ', () => {
      expect(() => assertHeaderUnderstood({ alg: 'HS256', kid: 'k' })).not.toThrow();
    });
  });
});
