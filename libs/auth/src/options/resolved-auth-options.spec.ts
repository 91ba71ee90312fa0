import { KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { InvalidAuthOptionError } from './invalid-auth-option.error.js';
import { resolveAuthOptions } from './resolved-auth-options.js';

const SECRET = 'x'.repeat(32);

/** Runs `resolveAuthOptions` and returns what it threw; fails the test when it throws nothing. */
function refusal(options: unknown): InvalidAuthOptionError {
  let thrown: unknown;
  try {
    resolveAuthOptions(options as AuthModuleOptions);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidAuthOptionError);
  return thrown as InvalidAuthOptionError;
}

/** Asserts the refusal names `option` both in `error.option` and in the message. */
function expectRefused(options: unknown, option: string, reason?: RegExp): InvalidAuthOptionError {
  const error = refusal(options);
  expect(error.name).toBe('InvalidAuthOptionError');
  expect(error.option).toBe(option);
  expect(error.message).toContain(`nest-jwt-extended: option "${option}"`);
  if (reason !== undefined) expect(error.message).toMatch(reason);
  return error;
}

describe('resolveAuthOptions', () => {
  describe('defaults', () => {
    const resolved = resolveAuthOptions({ secret: SECRET });

    it('signs and verifies with HS256', () => {
      expect(resolved.algorithm).toBe('HS256');
    });

    it('gives access tokens 15 minutes and refresh tokens 30 days', () => {
      expect(resolved.accessTokenTtl).toBe(900);
      expect(resolved.refreshTokenTtl).toBe(2592000);
    });

    it('carries the identity in sub, with no leeway', () => {
      expect(resolved.identityClaim).toBe('sub');
      expect(resolved.leeway).toBe(0);
    });

    it('reads the Authorization header with the Bearer scheme', () => {
      // Header names are case-insensitive; the extractor does the lower-casing for the lookup.
      expect(resolved.headerName.toLowerCase()).toBe('authorization');
      expect(resolved.headerScheme).toBe('Bearer');
    });

    it('refuses tokens longer than 8192 characters', () => {
      expect(resolved.maxTokenLength).toBe(8192);
    });

    it('sets neither issuer nor audience', () => {
      expect(resolved.issuer).toBeUndefined();
      expect(resolved.audience).toBeUndefined();
    });

    it('builds one secret KeyObject holding the secret bytes, used to sign and to verify', () => {
      expect(resolved.signingKey?.key).toBeInstanceOf(KeyObject);
      expect(resolved.signingKey?.key.type).toBe('secret');
      expect(resolved.signingKey?.key.export().equals(Buffer.from(SECRET, 'utf8'))).toBe(true);
      expect(resolved.verificationKeys).toHaveLength(1);
      expect(resolved.verificationKeys[0]!.key).toBe(resolved.signingKey?.key);
      expect(resolved.verificationKeys[0]!.algorithm).toBe('HS256');
    });
  });

  describe('explicit values', () => {
    it('keeps valid values, converting lifetimes to seconds', () => {
      const resolved = resolveAuthOptions({
        secret: 'y'.repeat(64),
        algorithm: 'HS512',
        accessTokenExpiresIn: '5m',
        refreshTokenExpiresIn: false,
        identityClaim: 'user_id',
        issuer: 'https://issuer.example',
        audience: ['api', 'admin'],
        leeway: 10,
        headerName: 'X-Access-Token',
        headerScheme: '',
        maxTokenLength: 64,
      });
      expect(resolved).toMatchObject({
        algorithm: 'HS512',
        accessTokenTtl: 300,
        refreshTokenTtl: false,
        identityClaim: 'user_id',
        issuer: 'https://issuer.example',
        audience: ['api', 'admin'],
        leeway: 10,
        headerScheme: '',
        maxTokenLength: 64,
      });
      expect(resolved.headerName.toLowerCase()).toBe('x-access-token');
    });

    it('copies the audience array, so later changes to the caller array do not leak in', () => {
      const audience = ['api'];
      const resolved = resolveAuthOptions({ secret: SECRET, audience });
      audience.push('evil');
      expect(resolved.audience).toEqual(['api']);
    });

    it('accepts a Buffer secret', () => {
      const secret = Buffer.alloc(32, 7);
      expect(resolveAuthOptions({ secret }).signingKey?.key.export().equals(secret)).toBe(true);
    });
  });

  describe('options object', () => {
    it.each([null, undefined, 'secret', 42])('refuses %p', (options) => {
      expectRefused(options, 'options', /must be an object/);
    });
  });

  describe('secret', () => {
    it.each([undefined, null, ''])('is required (%p)', (secret) => {
      expectRefused({ secret }, 'secret', /is required/);
    });

    it('is required when the key is absent altogether', () => {
      expectRefused({}, 'secret', /is required/);
    });

    it.each([12345678901234567890123456789012345, {}, ['x'.repeat(32)], true, new Uint8Array(32)])(
      'must be a string or a Buffer (%p)',
      (secret) => {
        expectRefused({ secret }, 'secret', /must be a string or a Buffer/);
      },
    );

    it.each([
      ['HS256', 32],
      ['HS384', 48],
      ['HS512', 64],
    ] as const)('%s needs at least %i bytes', (algorithm, min) => {
      expectRefused({ secret: 'k'.repeat(min - 1), algorithm }, 'secret', new RegExp(`at least ${min} bytes for ${algorithm} \\(got ${min - 1}\\)`));
      expectRefused({ secret: Buffer.alloc(min - 1, 1), algorithm }, 'secret', new RegExp(`at least ${min} bytes`));
      expect(resolveAuthOptions({ secret: 'k'.repeat(min), algorithm }).algorithm).toBe(algorithm);
    });

    it('counts bytes, not characters', () => {
      // 16 two-byte characters: 16 characters but 32 bytes, enough for HS256.
      expect(() => resolveAuthOptions({ secret: 'é'.repeat(16) })).not.toThrow();
      // 31 bytes of which only 16 characters: refused.
      expectRefused({ secret: 'é'.repeat(15) + 'a' }, 'secret', /\(got 31\)/);
    });
  });

  describe('algorithm', () => {
    it.each(['none', 'NONE', 'hs256', 'rs256', 'eddsa', 'Ed25519', 'ES256K', '', 'HS1024'])('refuses %p', (algorithm) => {
      expectRefused({ secret: SECRET, algorithm }, 'algorithm', /must be one of HS256, HS384, HS512, RS256, .*EdDSA/);
    });

    it.each(['RS256', 'ES256', 'EdDSA'])('refuses an HMAC secret with the asymmetric %p, naming "secret"', (algorithm) => {
      expectRefused({ secret: SECRET, algorithm }, 'secret', /is for HS algorithms/);
    });

    it('refuses an inherited property name such as "toString"', () => {
      expectRefused({ secret: SECRET, algorithm: 'toString' }, 'algorithm');
    });

    it('is checked before the secret, so the error names the algorithm', () => {
      expectRefused({ secret: 'short', algorithm: 'HS1024' }, 'algorithm');
    });
  });

  describe('identityClaim', () => {
    it.each(['iat', 'nbf', 'exp', 'jti', 'type', 'fresh', 'iss', 'aud'])('refuses the reserved claim %p', (identityClaim) => {
      expectRefused({ secret: SECRET, identityClaim }, 'identityClaim', new RegExp(`must not be the reserved claim "${identityClaim}"`));
    });

    it.each(['', 42])('refuses %p', (identityClaim) => {
      expectRefused({ secret: SECRET, identityClaim }, 'identityClaim', /must be a non-empty string/);
    });

    it.each(['sub', 'user_id', 'email'])('accepts %p', (identityClaim) => {
      expect(resolveAuthOptions({ secret: SECRET, identityClaim }).identityClaim).toBe(identityClaim);
    });
  });

  describe('leeway', () => {
    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5'])('refuses %p', (leeway) => {
      expectRefused({ secret: SECRET, leeway }, 'leeway', /must be a whole number >= 0/);
    });

    it('accepts 0 and positive whole numbers', () => {
      expect(resolveAuthOptions({ secret: SECRET, leeway: 0 }).leeway).toBe(0);
      expect(resolveAuthOptions({ secret: SECRET, leeway: 30 }).leeway).toBe(30);
    });
  });

  describe('headerName', () => {
    it.each(['X Access Token', ' Authorization', 'Authorization ', '', 'Auth:orization', 'Authorization\n', 42])('refuses %p', (headerName) => {
      expectRefused({ secret: SECRET, headerName }, 'headerName', /must be a valid HTTP header name/);
    });
  });

  describe('headerScheme', () => {
    it.each(['Bear er', ' Bearer', 'Bearer ', 'Bearer\t', 42])('refuses %p', (headerScheme) => {
      expectRefused({ secret: SECRET, headerScheme }, 'headerScheme', /must be a single word/);
    });

    it('accepts "" for a bare token', () => {
      expect(resolveAuthOptions({ secret: SECRET, headerScheme: '' }).headerScheme).toBe('');
    });
  });

  describe('issuer', () => {
    it.each(['', 42])('refuses %p', (issuer) => {
      expectRefused({ secret: SECRET, issuer }, 'issuer', /must be a non-empty string/);
    });
  });

  describe('audience', () => {
    it.each([[[]], [['']], [['api', 42]], [''], [42]])('refuses %p', (audience) => {
      expectRefused({ secret: SECRET, audience }, 'audience', /must be a non-empty string or a non-empty array/);
    });

    it('accepts a single string', () => {
      expect(resolveAuthOptions({ secret: SECRET, audience: 'api' }).audience).toBe('api');
    });
  });

  describe('maxTokenLength', () => {
    it.each([63, 0, -1, 100.5, '8192'])('refuses %p', (maxTokenLength) => {
      expectRefused({ secret: SECRET, maxTokenLength }, 'maxTokenLength', /must be a whole number >= 64/);
    });
  });

  describe('lifetimes', () => {
    it.each([
      ['accessTokenExpiresIn', '900'],
      ['accessTokenExpiresIn', 0],
      ['refreshTokenExpiresIn', 'soon'],
      ['refreshTokenExpiresIn', -1],
    ])('refuses %s = %p', (option, value) => {
      expectRefused({ secret: SECRET, [option]: value }, option);
    });
  });
});
