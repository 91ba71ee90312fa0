import { createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { JwtAlgorithm } from '../jws/jws-algorithm.js';
import { resolveAuthOptions } from '../options/resolved-auth-options.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { JwksService } from '../tokens/jwks.service.js';
import { KeySet } from './key-set.js';
import type { RemoteKeySet } from './remote-key-set.js';
import type { VerificationKey } from './verification-key.interface.js';
import { thrownBy } from '../testing/thrown-by.js';

const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_PSS = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
const P256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const P384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ED25519 = generateKeyPairSync('ed25519');
const SECRET = createSecretKey(Buffer.alloc(32, 7));
const SECRET_512 = createSecretKey(Buffer.alloc(64, 9));

/** JWK members that only a private or secret key has (RFC 7518 section 6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function key(algorithm: JwtAlgorithm, material: KeyObject, kid?: string): VerificationKey {
  return kid === undefined ? { algorithm, key: material } : { kid, algorithm, key: material };
}

/** Asserts `keys.find(header)` throws a 401 invalid_token with exactly `message`. */
function expectRefused(keys: KeySet, header: Record<string, unknown>, message: string): void {
  const error = thrownBy(() => keys.find(header));
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe(AuthErrorCode.InvalidToken);
  expect((error as AuthError).getStatus()).toBe(401);
  expect((error as AuthError).message).toBe(message);
}

/** A stand-in for the remote JWKS: allows `algorithms`, and resolves every lookup to `found`. */
function fakeRemote(algorithms: JwtAlgorithm[], found: VerificationKey = key('RS256', RSA.publicKey, 'remote')) {
  const find = jest.fn(async (_algorithm: JwtAlgorithm, _kid: string | undefined) => found);
  const remote = { allows: (algorithm: string) => (algorithms as string[]).includes(algorithm), find };
  return { remote: remote as unknown as RemoteKeySet, find };
}

const spki = (material: KeyObject) =>
  (material.type === 'public' ? material : createPublicKey(material)).export({ format: 'der', type: 'spki' });

describe('KeySet.find', () => {
  const hmac = key('HS256', SECRET);
  const single = new KeySet([hmac]);

  describe('alg', () => {
    it.each([undefined, null, 256, true, ['HS256'], { name: 'HS256' }])(
      'refuses a non-string alg (%p) as unsigned',
      (alg) => {
        expectRefused(single, { alg }, 'The token algorithm is not allowed (the token is unsigned)');
      },
    );

    it.each(['none', 'None', 'NONE', 'nOnE', 'NoNe'])('refuses %p in any casing as unsigned', (alg) => {
      expectRefused(single, { alg }, 'The token algorithm is not allowed (the token is unsigned)');
    });

    it('refuses none before looking at the kid', () => {
      expectRefused(single, { alg: 'none', kid: 42 }, 'The token algorithm is not allowed (the token is unsigned)');
    });

    it.each(['hs256', 'Hs256', 'HS256 ', 'HS1024', 'ES256K', 'toString', '__proto__', 'constructor', ''])(
      'refuses the unknown alg %p',
      (alg) => {
        expectRefused(single, { alg }, 'The token algorithm is not allowed');
      },
    );

    it.each(['HS384', 'HS512', 'RS256', 'ES256', 'EdDSA'])('refuses the known but unconfigured alg %p', (alg) => {
      expectRefused(single, { alg }, 'The token algorithm is not allowed');
    });

    it('refuses HS256 against an RSA public key (no key confusion: the key is pinned to RS256)', () => {
      const rsa = new KeySet([key('RS256', RSA.publicKey, 'r')]);
      expectRefused(rsa, { alg: 'HS256', kid: 'r' }, 'The token algorithm is not allowed');
      expectRefused(rsa, { alg: 'HS256' }, 'The token algorithm is not allowed');
    });

    it('refuses an alg configured for another key than the one the kid names', () => {
      const keys = new KeySet([
        key('HS256', SECRET, 'h'),
        key('ES256', P256.publicKey, 'e'),
        key('RS256', RSA.publicKey, 'r'),
      ]);
      expectRefused(keys, { alg: 'HS256', kid: 'e' }, 'The token algorithm is not allowed');
      expectRefused(keys, { alg: 'ES256', kid: 'r' }, 'The token algorithm is not allowed');
      expectRefused(keys, { alg: 'RS256', kid: 'h' }, 'The token algorithm is not allowed');
    });

    it('refuses RS384 for a key pinned to RS256, though the key could verify it', () => {
      const keys = new KeySet([key('RS256', RSA.publicKey, 'a'), key('RS384', RSA.publicKey, 'b')]);
      expectRefused(keys, { alg: 'RS384', kid: 'a' }, 'The token algorithm is not allowed');
      expect(keys.find({ alg: 'RS384', kid: 'b' })).toMatchObject({ kid: 'b', algorithm: 'RS384' });
    });
  });

  describe('kid', () => {
    const keys = new KeySet([
      key('HS256', SECRET, 'k-1'),
      key('ES256', P256.publicKey, 'k-2'),
      key('HS256', SECRET_512, 'x'.repeat(256)),
    ]);

    it('finds the key by exact kid and returns it as configured', () => {
      const [first, second] = [key('HS256', SECRET, 'k-1'), key('ES256', P256.publicKey, 'k-2')];
      const set = new KeySet([first, second]);
      expect(set.find({ alg: 'HS256', kid: 'k-1' })).toBe(first);
      expect(set.find({ alg: 'ES256', kid: 'k-2' })).toBe(second);
    });

    it('accepts a kid of exactly 256 characters', () => {
      expect(keys.find({ alg: 'HS256', kid: 'x'.repeat(256) })).toMatchObject({ key: SECRET_512 });
    });

    it.each([
      ['a number', 1],
      ['null', null],
      ['true', true],
      ['an array', ['k-1']],
      ['an object', { id: 'k-1' }],
      ['empty', ''],
      ['257 characters long', 'x'.repeat(257)],
    ])('refuses a kid that is %s as invalid', (_, kid) => {
      expectRefused(keys, { alg: 'HS256', kid }, 'Token has an invalid kid');
    });

    it.each([
      'K-1',
      'k-1 ',
      ' k-1',
      'k-',
      'k-1\u0000',
      'k\u20111',
      '__proto__',
      'constructor',
      'toString',
      'x'.repeat(255),
    ])('does not match %p to any key', (kid) => {
      expectRefused(keys, { alg: 'HS256', kid }, 'Token key id (kid) is not known');
    });
  });

  describe('a token without kid', () => {
    it('uses the one key without kid, when the others have one', () => {
      const plain = key('ES256', P256.publicKey);
      const keys = new KeySet([key('RS256', RSA.publicKey, 'old'), plain, key('EdDSA', ED25519.publicKey, 'other')]);
      expect(keys.find({ alg: 'ES256' })).toBe(plain);
      expectRefused(keys, { alg: 'RS256' }, 'The token algorithm is not allowed');
    });

    it('uses the only key, even though it has a kid', () => {
      const only = key('EdDSA', ED25519.publicKey, 'only');
      expect(new KeySet([only]).find({ alg: 'EdDSA' })).toBe(only);
    });

    it('is refused when every key has a kid', () => {
      const keys = new KeySet([key('HS256', SECRET, 'a'), key('HS256', SECRET_512, 'b')]);
      expectRefused(keys, { alg: 'HS256' }, 'Token has no kid');
    });

    it('is refused when several keys lack a kid (no guessing between them)', () => {
      const keys = new KeySet([key('HS256', SECRET), key('HS256', SECRET_512)]);
      expectRefused(keys, { alg: 'HS256' }, 'Token has no kid');
    });

    it('still needs the alg of the key it falls back on', () => {
      const keys = new KeySet([key('RS256', RSA.publicKey), key('PS256', RSA.publicKey, 'pss')]);
      expect(keys.find({ alg: 'RS256' })).toMatchObject({ algorithm: 'RS256' });
      expectRefused(keys, { alg: 'PS256' }, 'The token algorithm is not allowed');
    });

    it('is refused with an empty key set', () => {
      expectRefused(new KeySet([]), { alg: 'HS256' }, 'The token algorithm is not allowed');
    });
  });

  describe('with a remote key set', () => {
    it('asks the remote set for an alg only it allows, passing alg and kid, and returns its promise', async () => {
      const { remote, find } = fakeRemote(['RS256']);
      const keys = new KeySet([key('HS256', SECRET, 'local')], remote);
      const found = keys.find({ alg: 'RS256', kid: 'idp-1' });
      expect(found).toBeInstanceOf(Promise);
      await expect(found).resolves.toMatchObject({ kid: 'remote' });
      expect(find).toHaveBeenCalledWith('RS256', 'idp-1');
    });

    it('passes a missing kid on to the remote set when no local key applies', async () => {
      const { remote, find } = fakeRemote(['RS256']);
      const keys = new KeySet([key('ES256', P256.publicKey, 'local')], remote);
      await keys.find({ alg: 'RS256' });
      expect(find).toHaveBeenCalledWith('RS256', undefined);
    });

    it('does not fall back on the only local key when a remote set exists', async () => {
      const { remote, find } = fakeRemote(['ES256']);
      const keys = new KeySet([key('ES256', P256.publicKey, 'local')], remote);
      await keys.find({ alg: 'ES256' });
      expect(find).toHaveBeenCalledTimes(1);
    });

    it('answers from a local kid synchronously, without asking the remote set', () => {
      const { remote, find } = fakeRemote(['ES256']);
      const local = key('ES256', P256.publicKey, 'local');
      const keys = new KeySet([local], remote);
      expect(keys.find({ alg: 'ES256', kid: 'local' })).toBe(local);
      expect(find).not.toHaveBeenCalled();
    });

    it('uses the local key without kid for a token without kid', () => {
      const { remote, find } = fakeRemote(['RS256']);
      const local = key('HS256', SECRET);
      expect(new KeySet([local], remote).find({ alg: 'HS256' })).toBe(local);
      expect(find).not.toHaveBeenCalled();
    });

    it('refuses a local kid with the wrong alg rather than asking the remote set', () => {
      const { remote, find } = fakeRemote(['RS256']);
      const keys = new KeySet([key('HS256', SECRET, 'shared')], remote);
      expectRefused(keys, { alg: 'RS256', kid: 'shared' }, 'The token algorithm is not allowed');
      expect(find).not.toHaveBeenCalled();
    });

    it('refuses an alg neither the local keys nor the remote set allow, without asking it', () => {
      const { remote, find } = fakeRemote(['RS256']);
      const keys = new KeySet([key('HS256', SECRET, 'local')], remote);
      expectRefused(keys, { alg: 'ES256', kid: 'x' }, 'The token algorithm is not allowed');
      expectRefused(keys, { alg: 'NONE', kid: 'x' }, 'The token algorithm is not allowed (the token is unsigned)');
      expect(find).not.toHaveBeenCalled();
    });

    it('never asks the remote set for an alg it does not allow, even one a local key is configured for', () => {
      // jwks.algorithms is ['RS256'], the module's own key is ES256: an ES256 token with an unknown kid must not be
      // verified with whatever EC key the remote document holds under that kid.
      const { remote, find } = fakeRemote(['RS256'], key('ES256', P256.publicKey, 'idp-ec'));
      const keys = new KeySet([key('ES256', P384.publicKey, 'local')], remote);
      let outcome: unknown;
      try {
        outcome = keys.find({ alg: 'ES256', kid: 'idp-ec' });
      } catch (error) {
        outcome = error;
      }
      expect(find).not.toHaveBeenCalled();
      expect(outcome).toBeInstanceOf(AuthError);
      expect((outcome as AuthError).code).toBe(AuthErrorCode.InvalidToken);
    });
  });
});

describe('KeySet.toJwks', () => {
  it('publishes nothing for HMAC secrets', () => {
    expect(new KeySet([key('HS256', SECRET, 'a'), key('HS512', SECRET_512)]).toJwks()).toEqual({ keys: [] });
  });

  it('publishes each public key with kid, alg and use "sig", in order, skipping secrets', () => {
    const jwks = new KeySet([
      key('RS256', RSA.publicKey, 'rsa-1'),
      key('HS256', SECRET, 'secret'),
      key('ES256', P256.publicKey, 'ec-1'),
      key('EdDSA', ED25519.publicKey, 'ed-1'),
      key('PS384', RSA.publicKey, 'pss-1'),
    ]).toJwks();
    expect(jwks.keys.map(({ kid, alg, use, kty }) => ({ kid, alg, use, kty }))).toEqual([
      { kid: 'rsa-1', alg: 'RS256', use: 'sig', kty: 'RSA' },
      { kid: 'ec-1', alg: 'ES256', use: 'sig', kty: 'EC' },
      { kid: 'ed-1', alg: 'EdDSA', use: 'sig', kty: 'OKP' },
      { kid: 'pss-1', alg: 'PS384', use: 'sig', kty: 'RSA' },
    ]);
    expect(jwks.keys[1]).toMatchObject({ crv: 'P-256' });
    expect(jwks.keys[2]).toMatchObject({ crv: 'Ed25519' });
  });

  it('leaves kid out for a key without one', () => {
    const [published] = new KeySet([key('ES256', P256.publicKey)]).toJwks().keys;
    expect(published).not.toHaveProperty('kid');
    expect(published).toMatchObject({ alg: 'ES256', use: 'sig' });
  });

  it('publishes keys that import back to the same public keys', () => {
    const pairs = [RSA, P256, ED25519];
    const jwks = new KeySet([
      key('RS512', RSA.publicKey, 'a'),
      key('ES256', P256.publicKey, 'b'),
      key('EdDSA', ED25519.publicKey, 'c'),
    ]).toJwks();
    jwks.keys.forEach((jwk, index) => {
      expect(spki(createPublicKey({ key: jwk, format: 'jwk' })).equals(spki(pairs[index]!.publicKey))).toBe(true);
    });
  });

  it('never leaks the HMAC secret bytes', () => {
    const text = JSON.stringify(new KeySet([key('HS256', SECRET, 'a'), key('ES256', P256.publicKey, 'b')]).toJwks());
    expect(text).not.toContain(SECRET.export().toString('base64url'));
    expect(text).not.toContain('"oct"');
  });
});

describe('JwksService', () => {
  const pemOf = (material: KeyObject) => material.export({ format: 'pem', type: 'pkcs8' }) as string;
  const service = (options: AuthModuleOptions) => new JwksService(new TokenVerifier(resolveAuthOptions(options)));

  it('publishes nothing with an HMAC algorithm', () => {
    const jwks = service({ secret: 'x'.repeat(32), kid: 'hs' });
    expect(jwks.getJwks()).toEqual({ keys: [] });
    expect(jwks.hasPublicKeys()).toBe(false);
  });

  it.each([
    ['RS256', RSA, 'RSA'],
    ['PS512', RSA, 'RSA'],
    ['ES256', P256, 'EC'],
    ['ES384', P384, 'EC'],
    ['EdDSA', ED25519, 'OKP'],
  ] as const)('%s: publishes the public half of the signing key, never a private member', (algorithm, pair, kty) => {
    for (const privateKey of [pair.privateKey, pemOf(pair.privateKey), pair.privateKey.export({ format: 'jwk' })]) {
      const jwks = service({ algorithm, privateKey, kid: 'signing' });
      expect(jwks.hasPublicKeys()).toBe(true);
      const { keys } = jwks.getJwks();
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ kty, kid: 'signing', alg: algorithm, use: 'sig' });
      for (const member of PRIVATE_MEMBERS) expect(keys[0]).not.toHaveProperty(member);
      expect(spki(createPublicKey({ key: keys[0]!, format: 'jwk' })).equals(spki(pair.publicKey))).toBe(true);
    }
  });

  it('publishes the signing key and every asymmetric verification key, never an HMAC one', () => {
    const jwks = service({
      algorithm: 'ES256',
      privateKey: P256.privateKey,
      kid: 'current',
      verificationKeys: [
        { kid: 'previous', algorithm: 'RS256', key: RSA.privateKey },
        { kid: 'partner', algorithm: 'HS256', key: 'p'.repeat(32) },
        { kid: 'edge', algorithm: 'EdDSA', key: ED25519.publicKey.export({ format: 'jwk' }) },
      ],
    }).getJwks();
    expect(jwks.keys.map((jwk) => [jwk.kid, jwk.alg])).toEqual([
      ['current', 'ES256'],
      ['previous', 'RS256'],
      ['edge', 'EdDSA'],
    ]);
    const text = JSON.stringify(jwks);
    for (const member of PRIVATE_MEMBERS) expect(text).not.toContain(`"${member}":`);
    expect(text).not.toContain(Buffer.from('p'.repeat(32)).toString('base64url'));
  });

  it('publishes for a verify-only module (publicKey alone)', () => {
    const jwks = service({ algorithm: 'EdDSA', publicKey: ED25519.publicKey });
    expect(jwks.getJwks().keys).toEqual([{ ...ED25519.publicKey.export({ format: 'jwk' }), alg: 'EdDSA', use: 'sig' }]);
  });

  it('does not republish the keys of a remote JWKS', () => {
    const jwks = service({ algorithm: 'RS256', jwks: { uri: 'https://issuer.example/.well-known/jwks.json' } });
    expect(jwks.getJwks()).toEqual({ keys: [] });
    expect(jwks.hasPublicKeys()).toBe(false);
  });

  it('hands out copies: changing one does not change what later callers get', () => {
    const jwks = service({ algorithm: 'ES256', privateKey: P256.privateKey, kid: 'k' });
    const first = jwks.getJwks();
    first.keys[0]!.x = 'tampered';
    first.keys[0]!.kid = 'evil';
    first.keys.push({ kty: 'oct', k: 'c2VjcmV0' });
    const second = jwks.getJwks();
    expect(second.keys).toHaveLength(1);
    expect(second.keys[0]).toMatchObject({ kid: 'k', x: P256.publicKey.export({ format: 'jwk' }).x });
  });

  it('never meets an RSA-PSS-typed key (refused at start-up, naming the option), and publishes a PS256 RSA key', () => {
    // Node cannot export an "rsa-pss" key as a JWK, so accepting one would break JwksService at start-up.
    expect(() => resolveAuthOptions({ algorithm: 'PS256', privateKey: RSA_PSS.privateKey, kid: 'pss' })).toThrow(
      /option "privateKey" must be a rsa key for PS256/,
    );
    const resolved = resolveAuthOptions({ algorithm: 'PS256', privateKey: RSA.privateKey, kid: 'pss' });
    const jwks = new JwksService(new TokenVerifier(resolved)).getJwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', kid: 'pss', alg: 'PS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});
