import { KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { resolveAuthOptions } from './resolved-auth-options.js';
import { createPublicKey, generateKeyPairSync, type KeyObject as CryptoKeyObject } from 'node:crypto';
import { JWS_ALGORITHMS, type JwtAlgorithm } from '../jws/jws-algorithm.js';
import { TokenService } from '../tokens/token.service.js';
import { TokenVerifier } from '../tokens/token-verifier.js';

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

    // eslint-disable-next-line no-loss-of-precision -- any large number will do
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
      expectRefused(
        { secret: 'k'.repeat(min - 1), algorithm },
        'secret',
        new RegExp(`at least ${min} bytes for ${algorithm} \\(got ${min - 1}\\)`),
      );
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
    it.each(['none', 'NONE', 'hs256', 'rs256', 'eddsa', 'Ed25519', 'ES256K', '', 'HS1024'])(
      'refuses %p',
      (algorithm) => {
        expectRefused({ secret: SECRET, algorithm }, 'algorithm', /must be one of HS256, HS384, HS512, RS256, .*EdDSA/);
      },
    );

    it.each(['RS256', 'ES256', 'EdDSA'])(
      'refuses an HMAC secret with the asymmetric %p, naming "secret"',
      (algorithm) => {
        expectRefused({ secret: SECRET, algorithm }, 'secret', /is for HS algorithms/);
      },
    );

    it('refuses an inherited property name such as "toString"', () => {
      expectRefused({ secret: SECRET, algorithm: 'toString' }, 'algorithm');
    });

    it('is checked before the secret, so the error names the algorithm', () => {
      expectRefused({ secret: 'short', algorithm: 'HS1024' }, 'algorithm');
    });
  });

  describe('identityClaim', () => {
    it.each(['iat', 'nbf', 'exp', 'jti', 'type', 'fresh', 'iss', 'aud'])(
      'refuses the reserved claim %p',
      (identityClaim) => {
        expectRefused(
          { secret: SECRET, identityClaim },
          'identityClaim',
          new RegExp(`must not be the reserved claim "${identityClaim}"`),
        );
      },
    );

    it.each(['', 42])('refuses %p', (identityClaim) => {
      expectRefused({ secret: SECRET, identityClaim }, 'identityClaim', /must be a non-empty string/);
    });

    it.each(['sub', 'user_id', 'email'])('accepts %p', (identityClaim) => {
      expect(resolveAuthOptions({ secret: SECRET, identityClaim }).identityClaim).toBe(identityClaim);
    });
  });

  describe('leeway', () => {
    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5', 301, 365 * 24 * 3600])('refuses %p', (leeway) => {
      expectRefused({ secret: SECRET, leeway }, 'leeway', /must be a whole number from 0 to 300/);
    });

    it('accepts whole numbers from 0 to 300 (five minutes of clock skew at most)', () => {
      expect(resolveAuthOptions({ secret: SECRET, leeway: 0 }).leeway).toBe(0);
      expect(resolveAuthOptions({ secret: SECRET, leeway: 30 }).leeway).toBe(30);
      expect(resolveAuthOptions({ secret: SECRET, leeway: 300 }).leeway).toBe(300);
    });
  });

  describe('headerName', () => {
    it.each(['X Access Token', ' Authorization', 'Authorization ', '', 'Auth:orization', 'Authorization\n', 42])(
      'refuses %p',
      (headerName) => {
        expectRefused({ secret: SECRET, headerName }, 'headerName', /must be a valid HTTP header name/);
      },
    );
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

  describe('revocation window', () => {
    it('is the access-token lifetime plus leeway plus a 60 s clock margin, whatever the refresh lifetime', () => {
      const resolved = resolveAuthOptions({ secret: SECRET, accessTokenExpiresIn: '15m', leeway: 5 });
      expect(resolved.accessWindow).toBe(900);
      expect(resolved.revocationWindow).toBe(900 + 5 + 60);
      expect(resolveAuthOptions({ secret: SECRET, refreshTokenExpiresIn: '90d' }).revocationWindow).toBe(900 + 60);
    });

    it('falls back to the longest token lifetime when access tokens do not expire', () => {
      const resolved = resolveAuthOptions({ secret: SECRET, accessTokenExpiresIn: false });
      expect(resolved.accessWindow).toBe(resolved.longestTokenLifetime);
      expect(resolved.revocationWindow).toBe(resolved.longestTokenLifetime + 60);
    });
  });

  describe('revocationMaxStaleness', () => {
    const stalenessOf = (value: number | string | undefined) =>
      resolveAuthOptions({ secret: SECRET, ...(value === undefined ? {} : { revocationMaxStaleness: value }) })
        .revocationMaxStalenessMs;

    it('is 30 seconds by default, and takes seconds or a duration string; 0 turns it off', () => {
      expect(stalenessOf(undefined)).toBe(30_000);
      expect([stalenessOf(5), stalenessOf('30s'), stalenessOf('2m'), stalenessOf(0.5), stalenessOf(0)]).toEqual([
        5000, 30_000, 120_000, 500, 0,
      ]);
    });

    it.each([
      [-1, /from 0 to 3600 seconds/],
      [30_000, /seconds, not milliseconds/],
      [Number.NaN, /from 0 to 3600/],
      ['30', /has no unit/],
      ['soon', /is not a duration/],
      [true, /number of seconds or a duration string/],
    ])('refuses %p at start-up, naming the option', (value, reason) => {
      expectRefused({ secret: SECRET, revocationMaxStaleness: value }, 'revocationMaxStaleness', reason);
    });
  });

  describe('revocationStore', () => {
    const complete = {
      revoke: async () => undefined,
      listRecent: async function* () {},
      isRevoked: async () => false,
      subscribe: async () => async () => undefined,
      registerSession: async () => undefined,
      touchSession: async () => undefined,
      listSessions: async () => [],
      rotateRefreshToken: async () => 'rotated',
    };

    it('accepts an object with every method of RevocationStore', () => {
      expect(resolveAuthOptions({ secret: SECRET, revocationStore: complete as never }).revocationStore).toBe(complete);
    });

    it.each(['listRecent', 'isRevoked', 'touchSession', 'listSessions'])('refuses a store without %s', (method) => {
      const { [method as keyof typeof complete]: _left, ...store } = complete;
      expectRefused({ secret: SECRET, revocationStore: store }, 'revocationStore', new RegExp(`missing: ${method}$`));
    });

    it('refuses a store written for the old contract (list instead of listRecent)', () => {
      const { listRecent: _listRecent, isRevoked: _isRevoked, ...rest } = complete;
      expectRefused(
        { secret: SECRET, revocationStore: { ...rest, list: async () => [] } },
        'revocationStore',
        /listRecent/,
      );
    });

    it('refuses a value that is not an object', () => {
      expectRefused({ secret: SECRET, revocationStore: 'redis' }, 'revocationStore', /must implement RevocationStore/);
    });
  });
});

describe('keys', () => {
  const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const OTHER_RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const P256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const OTHER_P256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const P384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const OTHER_P384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const P521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  const ED25519 = generateKeyPairSync('ed25519');
  const OTHER_ED25519 = generateKeyPairSync('ed25519');

  type Pair = { publicKey: CryptoKeyObject; privateKey: CryptoKeyObject };
  const PAIRS: Record<Exclude<JwtAlgorithm, 'HS256' | 'HS384' | 'HS512'>, Pair> = {
    RS256: RSA,
    RS384: RSA,
    RS512: RSA,
    PS256: RSA,
    PS384: RSA,
    PS512: RSA,
    ES256: P256,
    ES384: P384,
    ES512: P521,
    EdDSA: ED25519,
  };
  const ASYMMETRIC = Object.keys(PAIRS) as Array<keyof typeof PAIRS>;
  const HMAC = ['HS256', 'HS384', 'HS512'] as const;

  const pem = (key: CryptoKeyObject) =>
    key.export({ format: 'pem', type: key.type === 'private' ? 'pkcs8' : 'spki' }) as string;
  const spki = (key: CryptoKeyObject) =>
    (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' });
  const sameKey = (a: CryptoKeyObject, b: CryptoKeyObject) => spki(a).equals(spki(b));
  const JWKS_URI = 'https://issuer.example/.well-known/jwks.json';

  describe('algorithm and key options', () => {
    it.each(HMAC)('%s signs and verifies with one secret key', (algorithm) => {
      const secret = 'k'.repeat(JWS_ALGORITHMS[algorithm].bytes!);
      const resolved = resolveAuthOptions({ algorithm, secret });
      expect(resolved.algorithm).toBe(algorithm);
      expect(resolved.signingKey).toMatchObject({ algorithm, kid: undefined });
      expect(resolved.signingKey?.key.type).toBe('secret');
      expect(resolved.verificationKeys).toEqual([{ algorithm, kid: undefined, key: resolved.signingKey?.key }]);
    });

    it.each(ASYMMETRIC)('%s signs with the private key and verifies with its public half', (algorithm) => {
      const resolved = resolveAuthOptions({ algorithm, privateKey: pem(PAIRS[algorithm].privateKey) });
      expect(resolved.algorithm).toBe(algorithm);
      expect(resolved.signingKey?.algorithm).toBe(algorithm);
      expect(resolved.signingKey?.key.type).toBe('private');
      expect(resolved.verificationKeys).toHaveLength(1);
      const [verification] = resolved.verificationKeys;
      expect(verification!.algorithm).toBe(algorithm);
      expect(verification!.key.type).toBe('public');
      expect(sameKey(verification!.key, PAIRS[algorithm].publicKey)).toBe(true);
    });

    it.each(HMAC)('%s refuses privateKey and publicKey, naming each', (algorithm) => {
      const secret = 'k'.repeat(64);
      expectRefused(
        { algorithm, secret, privateKey: RSA.privateKey },
        'privateKey',
        new RegExp(`is for asymmetric algorithms; ${algorithm} takes "secret"`),
      );
      expectRefused(
        { algorithm, secret, publicKey: RSA.publicKey },
        'publicKey',
        new RegExp(`is for asymmetric algorithms; ${algorithm} takes "secret"`),
      );
      expectRefused({ algorithm, publicKey: pem(RSA.publicKey) }, 'publicKey', /is for asymmetric algorithms/);
    });

    it.each(ASYMMETRIC)('%s refuses a secret, even beside a private key', (algorithm) => {
      const error = expectRefused(
        { algorithm, secret: 'k'.repeat(64), privateKey: PAIRS[algorithm].privateKey },
        'secret',
        /is for HS algorithms/,
      );
      expect(error.message).toContain(`${algorithm} takes "privateKey" and/or "publicKey"`);
    });

    it.each(ASYMMETRIC)('%s needs privateKey or publicKey', (algorithm) => {
      expectRefused(
        { algorithm },
        'privateKey',
        new RegExp(`is required for ${algorithm} \\(or "publicKey" alone, to only verify\\)`),
      );
      expectRefused({ algorithm, verificationKeys: [] }, 'privateKey', /is required/);
    });

    it.each(ASYMMETRIC)('%s with publicKey alone only verifies', (algorithm) => {
      const resolved = resolveAuthOptions({ algorithm, publicKey: pem(PAIRS[algorithm].publicKey), kid: 'v' });
      expect(resolved.signingKey).toBeUndefined();
      expect(resolved.verificationKeys).toHaveLength(1);
      expect(resolved.verificationKeys[0]).toMatchObject({ algorithm, kid: 'v' });
      expect(sameKey(resolved.verificationKeys[0]!.key, PAIRS[algorithm].publicKey)).toBe(true);
      const tokens = new TokenService(resolved, new TokenVerifier(resolved));
      expect(() => tokens.createAccessToken('alice')).toThrow(/no signing key is configured/);
    });

    it('turns a private key given as publicKey into its public half', () => {
      const resolved = resolveAuthOptions({ algorithm: 'ES256', publicKey: P256.privateKey });
      expect(resolved.verificationKeys[0]!.key.type).toBe('public');
      expect(resolved.verificationKeys[0]!.key.export({ format: 'jwk' })).not.toHaveProperty('d');
    });

    it('refuses a public key as privateKey', () => {
      expectRefused({ algorithm: 'RS256', privateKey: RSA.publicKey }, 'privateKey', /must be a private key/);
      expectRefused({ algorithm: 'RS256', privateKey: pem(RSA.publicKey) }, 'privateKey', /is not a valid private key/);
    });

    it.each([
      ['RS256', () => P256.privateKey, 'privateKey', /must be a rsa key for RS256 \(got ec\)/],
      ['ES256', () => P384.privateKey, 'privateKey', /must be on curve prime256v1 for ES256 \(got secp384r1\)/],
      ['EdDSA', () => RSA.privateKey, 'privateKey', /must be a ed25519 key for EdDSA \(got rsa\)/],
    ] as const)('%s refuses a private key of the wrong kind', (algorithm, key, option, reason) => {
      expectRefused({ algorithm, privateKey: key() }, option, reason);
    });

    it('refuses a publicKey of the wrong kind beside a good privateKey, naming publicKey', () => {
      expectRefused(
        { algorithm: 'ES256', privateKey: P256.privateKey, publicKey: P384.publicKey },
        'publicKey',
        /must be on curve prime256v1/,
      );
    });

    it.each([
      ['RS256', () => RSA.privateKey, () => OTHER_RSA.publicKey],
      ['PS512', () => RSA.privateKey, () => OTHER_RSA.publicKey],
      ['ES256', () => P256.privateKey, () => OTHER_P256.publicKey],
      ['ES384', () => P384.privateKey, () => OTHER_P384.publicKey],
      ['EdDSA', () => ED25519.privateKey, () => OTHER_ED25519.publicKey],
    ] as const)('%s refuses a publicKey that does not match privateKey', (algorithm, privateKey, publicKey) => {
      expectRefused(
        { algorithm, privateKey: privateKey(), publicKey: publicKey() },
        'publicKey',
        /does not match privateKey/,
      );
      expectRefused(
        { algorithm, privateKey: pem(privateKey()), publicKey: pem(publicKey()) },
        'publicKey',
        /does not match privateKey/,
      );
    });

    it.each(ASYMMETRIC)('%s accepts the matching publicKey beside privateKey, and verifies with it', (algorithm) => {
      const { privateKey, publicKey } = PAIRS[algorithm];
      const resolved = resolveAuthOptions({
        algorithm,
        privateKey: pem(privateKey),
        publicKey: publicKey.export({ format: 'jwk' }),
      });
      expect(sameKey(resolved.verificationKeys[0]!.key, publicKey)).toBe(true);
      const verifier = new TokenVerifier(resolved);
      const token = new TokenService(resolved, verifier).createAccessToken('alice');
      expect(verifier.verify(token)).toMatchObject({ identity: 'alice' });
    });

    it('never quotes key material in its errors', () => {
      const privatePem = pem(RSA.privateKey);
      const body = privatePem.split('\n')[5]!;
      const broken = privatePem.split('\n').slice(0, 6).join('\n') + '\n-----END PRIVATE KEY-----\n';
      for (const options of [
        { algorithm: 'RS256', privateKey: broken },
        { algorithm: 'ES256', privateKey: privatePem },
        { algorithm: 'HS256', secret: privatePem },
        { algorithm: 'RS256', privateKey: privatePem, publicKey: pem(OTHER_RSA.publicKey) },
        { algorithm: 'ES256', verificationKeys: [{ kid: 'x', key: privatePem }] },
      ]) {
        const error = refusal(options);
        expect(error.message).not.toContain(body);
        expect(error.message).not.toContain('BEGIN');
      }
    });
  });

  describe('kid', () => {
    it('is written on the signing key and its verification key', () => {
      const resolved = resolveAuthOptions({ algorithm: 'ES256', privateKey: P256.privateKey, kid: '2026-11' });
      expect(resolved.signingKey?.kid).toBe('2026-11');
      expect(resolved.verificationKeys[0]!.kid).toBe('2026-11');
      const hmac = resolveAuthOptions({ secret: SECRET, kid: 'hs-1' });
      expect(hmac.signingKey?.kid).toBe('hs-1');
      expect(hmac.verificationKeys[0]!.kid).toBe('hs-1');
    });

    it('is left out by default', () => {
      const resolved = resolveAuthOptions({ secret: SECRET });
      expect(resolved.signingKey?.kid).toBeUndefined();
      expect(resolved.verificationKeys[0]!.kid).toBeUndefined();
    });

    it.each(['', 'k'.repeat(257), 42, null, ['k']])('refuses %p', (kid) => {
      expectRefused({ secret: SECRET, kid }, 'kid', /must be a non-empty string of at most 256 characters/);
    });

    it('accepts 256 characters', () => {
      expect(resolveAuthOptions({ secret: SECRET, kid: 'k'.repeat(256) }).signingKey?.kid).toHaveLength(256);
    });
  });

  describe('verificationKeys', () => {
    it('are added after the own key, each pinned to its algorithm (default: the module algorithm)', () => {
      const resolved = resolveAuthOptions({
        algorithm: 'ES256',
        privateKey: P256.privateKey,
        kid: 'current',
        verificationKeys: [
          { kid: 'previous', key: pem(OTHER_P256.publicKey) },
          { kid: 'legacy', algorithm: 'RS256', key: RSA.privateKey },
          { kid: 'partner', algorithm: 'HS512', key: 'p'.repeat(64) },
        ],
      });
      expect(resolved.verificationKeys.map((entry) => [entry.kid, entry.algorithm, entry.key.type])).toEqual([
        ['current', 'ES256', 'public'],
        ['previous', 'ES256', 'public'],
        ['legacy', 'RS256', 'public'],
        ['partner', 'HS512', 'secret'],
      ]);
      expect(sameKey(resolved.verificationKeys[1]!.key, OTHER_P256.publicKey)).toBe(true);
      expect(sameKey(resolved.verificationKeys[2]!.key, RSA.publicKey)).toBe(true);
    });

    it('never sign: the signing key stays the module key', () => {
      const resolved = resolveAuthOptions({
        secret: SECRET,
        kid: 'new',
        verificationKeys: [{ kid: 'old', key: 'o'.repeat(32) }],
      });
      expect(resolved.signingKey?.kid).toBe('new');
      expect(resolved.signingKey?.key.export().toString()).toBe(SECRET);
    });

    it('let tokens of the previous key verify during a rotation, each by its kid', () => {
      const before = resolveAuthOptions({ algorithm: 'EdDSA', privateKey: OTHER_ED25519.privateKey, kid: 'old' });
      const oldToken = new TokenService(before, new TokenVerifier(before)).createAccessToken('alice');
      const after = resolveAuthOptions({
        algorithm: 'EdDSA',
        privateKey: ED25519.privateKey,
        kid: 'new',
        verificationKeys: [{ kid: 'old', key: OTHER_ED25519.publicKey }],
      });
      const verifier = new TokenVerifier(after);
      const newToken = new TokenService(after, verifier).createAccessToken('bob');
      expect(verifier.verify(oldToken)).toMatchObject({ identity: 'alice' });
      expect(verifier.verify(newToken)).toMatchObject({ identity: 'bob' });
      expect(() =>
        new TokenVerifier(
          resolveAuthOptions({ algorithm: 'EdDSA', privateKey: ED25519.privateKey, kid: 'new' }),
        ).verify(oldToken),
      ).toThrow('Token key id (kid) is not known');
    });

    it('make a module without its own key verify-only, HMAC included', () => {
      const hmac = resolveAuthOptions({ verificationKeys: [{ kid: 'a', key: 'a'.repeat(32) }] });
      expect(hmac.signingKey).toBeUndefined();
      expect(hmac.verificationKeys.map((entry) => entry.kid)).toEqual(['a']);
      const rsa = resolveAuthOptions({ algorithm: 'RS256', verificationKeys: [{ kid: 'r', key: pem(RSA.publicKey) }] });
      expect(rsa.signingKey).toBeUndefined();
      expect(rsa.verificationKeys.map((entry) => entry.kid)).toEqual(['r']);
    });

    it('may hold the same key material under two kids', () => {
      const resolved = resolveAuthOptions({
        algorithm: 'RS256',
        publicKey: RSA.publicKey,
        kid: 'a',
        verificationKeys: [{ kid: 'b', key: RSA.publicKey }],
      });
      expect(resolved.verificationKeys).toHaveLength(2);
    });

    it.each([{}, 'key', 42, null])('must be an array (%p)', (verificationKeys) => {
      expectRefused(
        { secret: SECRET, verificationKeys },
        'verificationKeys',
        /must be an array of \{ kid, algorithm\?, key \}/,
      );
    });

    it.each([null, 'key', 42])('refuses the entry %p, naming its index', (entry) => {
      expectRefused(
        { secret: SECRET, verificationKeys: [{ kid: 'ok', key: SECRET }, entry] },
        'verificationKeys[1]',
        /must be an object/,
      );
    });

    it.each(['none', 'hs256', 'RSA', 42])('refuses the entry algorithm %p', (algorithm) => {
      expectRefused(
        { secret: SECRET, verificationKeys: [{ kid: 'a', algorithm, key: SECRET }] },
        'verificationKeys[0].algorithm',
        /is not a supported algorithm/,
      );
    });

    it('requires a kid on every entry', () => {
      expectRefused(
        { secret: SECRET, verificationKeys: [{ key: 'o'.repeat(32) }] },
        'verificationKeys[0].kid',
        /is required: extra keys are picked by kid/,
      );
      expectRefused(
        {
          algorithm: 'RS256',
          publicKey: RSA.publicKey,
          verificationKeys: [{ kid: 'a', key: RSA.publicKey }, { key: OTHER_RSA.publicKey }],
        },
        'verificationKeys[1].kid',
        /is required/,
      );
    });

    it.each(['', 'k'.repeat(257), 7])('refuses the entry kid %p', (kid) => {
      expectRefused(
        { secret: SECRET, verificationKeys: [{ kid, key: 'o'.repeat(32) }] },
        'verificationKeys[0].kid',
        /must be a non-empty string of at most 256 characters/,
      );
    });

    it('requires and checks each key, naming the entry', () => {
      expectRefused({ secret: SECRET, verificationKeys: [{ kid: 'a' }] }, 'verificationKeys[0].key', /is required/);
      expectRefused(
        { secret: SECRET, verificationKeys: [{ kid: 'a', key: 'short' }] },
        'verificationKeys[0].key',
        /at least 32 bytes/,
      );
      expectRefused(
        { secret: SECRET, verificationKeys: [{ kid: 'a', key: pem(RSA.publicKey) }] },
        'verificationKeys[0].key',
        /looks like a PEM, DER or JWK key/,
      );
      expectRefused(
        { algorithm: 'ES256', privateKey: P256.privateKey, verificationKeys: [{ kid: 'a', key: P384.publicKey }] },
        'verificationKeys[0].key',
        /must be on curve prime256v1/,
      );
      expectRefused(
        {
          algorithm: 'ES256',
          privateKey: P256.privateKey,
          verificationKeys: [
            { kid: 'a', algorithm: 'ES384', key: P384.publicKey },
            { kid: 'b', algorithm: 'RS256', key: P256.publicKey },
          ],
        },
        'verificationKeys[1].key',
        /must be a rsa key/,
      );
    });

    it('refuses a kid used twice among the entries', () => {
      const error = expectRefused(
        {
          secret: SECRET,
          verificationKeys: [
            { kid: 'a', key: 'a'.repeat(32) },
            { kid: 'b', key: 'b'.repeat(32) },
            { kid: 'a', key: 'c'.repeat(32) },
          ],
        },
        'verificationKeys',
        /has the kid "a" more than once/,
      );
      expect(error.message).not.toContain('c'.repeat(32));
    });

    it('refuses an entry reusing the signing key kid', () => {
      expectRefused(
        {
          algorithm: 'ES256',
          privateKey: P256.privateKey,
          kid: 'current',
          verificationKeys: [{ kid: 'current', key: OTHER_P256.publicKey }],
        },
        'verificationKeys',
        /has the kid "current" more than once/,
      );
    });

    it('tells kids apart by exact value', () => {
      const resolved = resolveAuthOptions({
        secret: SECRET,
        kid: 'a',
        verificationKeys: [
          { kid: 'A', key: 'b'.repeat(32) },
          { kid: 'a ', key: 'c'.repeat(32) },
        ],
      });
      expect(resolved.verificationKeys.map((entry) => entry.kid)).toEqual(['a', 'A', 'a ']);
    });
  });

  describe('jwks', () => {
    it('is validated and filled in with defaults', () => {
      const resolved = resolveAuthOptions({ algorithm: 'RS256', jwks: { uri: JWKS_URI } });
      expect(resolved.jwks).toEqual({
        uri: JWKS_URI,
        algorithms: ['RS256'],
        cacheMaxAgeMs: 600_000,
        cooldownMs: 30_000,
        timeoutMs: 5000,
      });
    });

    it('keeps explicit values', () => {
      const jwks = {
        uri: 'http://127.0.0.1:8080/keys',
        algorithms: ['ES256', 'EdDSA'] as JwtAlgorithm[],
        cacheMaxAgeMs: 0,
        cooldownMs: 0,
        timeoutMs: 1,
      };
      expect(resolveAuthOptions({ algorithm: 'ES256', jwks }).jwks).toEqual(jwks);
    });

    it('normalises the uri', () => {
      expect(resolveAuthOptions({ algorithm: 'RS256', jwks: { uri: 'HTTPS://Issuer.EXAMPLE/jwks' } }).jwks?.uri).toBe(
        'https://issuer.example/jwks',
      );
    });

    it('alone makes a verify-only module with no local key', () => {
      const resolved = resolveAuthOptions({ algorithm: 'RS256', jwks: { uri: JWKS_URI } });
      expect(resolved.signingKey).toBeUndefined();
      expect(resolved.verificationKeys).toEqual([]);
    });

    it('can sit beside a local HMAC secret when its algorithms are asymmetric', () => {
      const resolved = resolveAuthOptions({ secret: SECRET, jwks: { uri: JWKS_URI, algorithms: ['RS256'] } });
      expect(resolved.signingKey?.algorithm).toBe('HS256');
      expect(resolved.jwks?.algorithms).toEqual(['RS256']);
    });

    it('is unset by default', () => {
      expect(resolveAuthOptions({ secret: SECRET }).jwks).toBeUndefined();
    });

    it.each([null, JWKS_URI, 42, true])('must be an object (%p)', (jwks) => {
      expectRefused({ algorithm: 'RS256', jwks }, 'jwks', /must be an object \{ uri, algorithms\?, \.\.\. \}/);
    });

    it.each([
      undefined,
      '',
      'issuer.example/jwks.json',
      '/.well-known/jwks.json',
      '//issuer.example/jwks.json',
      'ftp://issuer.example/jwks.json',
      'file:///etc/jwks.json',
      'javascript:alert(1)',
      'data:application/json,{"keys":[]}',
      'ws://issuer.example/jwks',
      42,
    ])('refuses the uri %p', (uri) => {
      expectRefused(
        { algorithm: 'RS256', jwks: { uri } },
        'jwks.uri',
        /must be an absolute https:\/\/ or http:\/\/ URL/,
      );
    });

    it.each([[[]], ['RS256'], [['none']], [['rs256']], [['RS256', 'ES256K']], [[42]]])(
      'refuses the algorithms %p',
      (algorithms) => {
        expectRefused(
          { algorithm: 'RS256', jwks: { uri: JWKS_URI, algorithms } },
          'jwks.algorithms',
          /must be a non-empty array of supported algorithms/,
        );
      },
    );

    it.each(HMAC)('refuses %s among its algorithms: a JWKS never carries secrets', (hmac) => {
      expectRefused(
        { algorithm: 'RS256', jwks: { uri: JWKS_URI, algorithms: ['RS256', hmac] } },
        'jwks.algorithms',
        new RegExp(`must not contain ${hmac}: a JWKS publishes public keys, never secrets`),
      );
    });

    it('refuses the default algorithms of an HMAC module (the module algorithm)', () => {
      expectRefused({ secret: SECRET, jwks: { uri: JWKS_URI } }, 'jwks.algorithms', /must not contain HS256/);
    });

    it.each([
      ['cacheMaxAgeMs', -1, 0],
      ['cacheMaxAgeMs', 1.5, 0],
      ['cooldownMs', -1, 0],
      ['cooldownMs', '30000', 0],
      ['timeoutMs', 0, 1],
      ['timeoutMs', Number.NaN, 1],
      ['timeoutMs', Number.POSITIVE_INFINITY, 1],
    ] as const)('refuses %s = %p', (option, value, min) => {
      expectRefused(
        { algorithm: 'RS256', jwks: { uri: JWKS_URI, [option]: value } },
        `jwks.${option}`,
        new RegExp(`must be a whole number >= ${min}`),
      );
    });
  });
});
