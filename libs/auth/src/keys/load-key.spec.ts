import { createPublicKey, createSecretKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JwtAlgorithm } from '../jws/jws-algorithm.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { loadKey } from './load-key.js';

const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const RSA_PSS = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
/** An RSA-PSS key restricted to SHA-256 (as `openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_pss_keygen_md:sha256` makes). */
const RSA_PSS_SHA256 = generateKeyPairSync('rsa-pss', {
  modulusLength: 2048,
  hashAlgorithm: 'sha256',
  mgf1HashAlgorithm: 'sha256',
});
const P256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const P384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const P521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const SECP256K1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const ED25519 = generateKeyPairSync('ed25519');
const ED448 = generateKeyPairSync('ed448');
const X25519 = generateKeyPairSync('x25519');

/** A self-signed P-256 certificate (public material only). */
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBmTCCAT+gAwIBAgIUYq4X9Ooxh8b3Yv65YZnCXb7nargwCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWbmVzdC1qd3QtZXh0ZW5kZWQgdGVzdDAgFw0yNjExMjMxNTI1
MjRaGA8yMTI2MTAzMDE1MjUyNFowITEfMB0GA1UEAwwWbmVzdC1qd3QtZXh0ZW5k
ZWQgdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABHl613vb/TKYso8j/cc5
IdRkodBPJOzkTdShetcZANGZGuIfxUHrtSn2kcGxiVXqw9brqR8iYcLYm8EuCBao
PrmjUzBRMB0GA1UdDgQWBBQVggI8qXTakMSkkHCVfTzXfOHBdTAfBgNVHSMEGDAW
gBQVggI8qXTakMSkkHCVfTzXfOHBdTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
BAMCA0gAMEUCIQDlEzLtUBmYUXilZ/1rohZ1PAKsdixWk7BAehqyXiYJBwIgQSjk
NF4QfDgEye8s/0bVqn51jXzoI7Mv+/APO6Q2Bxk=
-----END CERTIFICATE-----
`;

const pem = (key: KeyObject, type: 'spki' | 'pkcs8' | 'pkcs1' | 'sec1') =>
  key.export({ format: 'pem', type }) as string;
const spkiDer = (key: KeyObject) =>
  (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' });

/** Whether `key` is the public key of `pair` (compared as SPKI bytes). */
function isPublicOf(key: KeyObject, pair: { publicKey: KeyObject }): boolean {
  return key.type === 'public' && spkiDer(key).equals(spkiDer(pair.publicKey));
}

/** Runs `fn` and returns the InvalidAuthOptionError it threw; fails when it threw nothing or something else. */
function refusal(fn: () => unknown): InvalidAuthOptionError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidAuthOptionError);
  return thrown as InvalidAuthOptionError;
}

/** Asserts `loadKey` refuses, naming `option` (the default `'key'`) and matching `reason`. */
function expectRefused(
  input: unknown,
  algorithm: JwtAlgorithm,
  use: 'sign' | 'verify',
  reason: RegExp,
  option = 'key',
): InvalidAuthOptionError {
  const error = refusal(() => loadKey(input, algorithm, use, option));
  expect(error.option).toBe(option);
  expect(error.message).toContain(`nest-jwt-extended: option "${option}"`);
  expect(error.message).toMatch(reason);
  return error;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'load-key-spec-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('loadKey', () => {
  describe('a missing key', () => {
    it.each([undefined, null, '', Buffer.alloc(0)])(
      'is refused as required (%p), for HMAC and asymmetric algorithms',
      (input) => {
        expectRefused(input, 'HS256', 'sign', /is required/, 'secret');
        expectRefused(input, 'RS256', 'sign', /is required/, 'privateKey');
        expectRefused(input, 'ES256', 'verify', /is required/, 'publicKey');
      },
    );
  });

  describe('HMAC secrets', () => {
    it('takes a string as its UTF-8 bytes', () => {
      const key = loadKey('é'.repeat(16), 'HS256', 'sign', 'secret');
      expect(key.type).toBe('secret');
      expect(key.export().equals(Buffer.from('é'.repeat(16), 'utf8'))).toBe(true);
    });

    it('takes a Buffer as is', () => {
      const secret = Buffer.alloc(48, 0xa5);
      expect(loadKey(secret, 'HS384', 'sign', 'secret').export().equals(secret)).toBe(true);
    });

    it('takes an "oct" JWK object, decoding k', () => {
      const secret = Buffer.alloc(64, 3);
      const key = loadKey(
        { kty: 'oct', k: secret.toString('base64url') },
        'HS512',
        'verify',
        'verificationKeys[0].key',
      );
      expect(key.export().equals(secret)).toBe(true);
    });

    it('takes an "oct" JWK whose alg and use agree', () => {
      const secret = Buffer.alloc(32, 3).toString('base64url');
      expect(
        loadKey({ kty: 'oct', k: secret, alg: 'HS256', use: 'sig' }, 'HS256', 'sign', 'secret').symmetricKeySize,
      ).toBe(32);
    });

    it('takes a secret KeyObject and returns it unchanged', () => {
      const secret = createSecretKey(Buffer.alloc(32, 1));
      expect(loadKey(secret, 'HS256', 'sign', 'secret')).toBe(secret);
    });

    it('takes a string that happens to be a file path literally, never reading the file', () => {
      const path = file('not-a-secret.txt', 'file content that must not become the key');
      expect(path.length).toBeGreaterThanOrEqual(32);
      expect(loadKey(path, 'HS256', 'sign', 'secret').export().toString('utf8')).toBe(path);
    });

    it.each([
      ['HS256', 32],
      ['HS384', 48],
      ['HS512', 64],
    ] as const)('%s needs at least %i bytes, whatever form the secret takes', (algorithm, min) => {
      const short = Buffer.alloc(min - 1, 1);
      expectRefused(
        'k'.repeat(min - 1),
        algorithm,
        'sign',
        new RegExp(`must be at least ${min} bytes for ${algorithm} \\(got ${min - 1}\\)`),
        'secret',
      );
      expectRefused(short, algorithm, 'sign', new RegExp(`at least ${min} bytes`), 'secret');
      expectRefused(
        { kty: 'oct', k: short.toString('base64url') },
        algorithm,
        'sign',
        new RegExp(`at least ${min} bytes`),
        'secret',
      );
      expectRefused(createSecretKey(short), algorithm, 'sign', new RegExp(`at least ${min} bytes`), 'secret');
      expect(loadKey(Buffer.alloc(min, 1), algorithm, 'sign', 'secret').symmetricKeySize).toBe(min);
    });

    it.each([
      ['a public KeyObject', () => RSA.publicKey, /must be a secret key for an HMAC algorithm \(got a public key\)/],
      [
        'a private KeyObject',
        () => P256.privateKey,
        /must be a secret key for an HMAC algorithm \(got a private key\)/,
      ],
      ['an RSA JWK', () => RSA.publicKey.export({ format: 'jwk' }), /must be an "oct" JWK for an HMAC algorithm/],
      ['an "oct" JWK without k', () => ({ kty: 'oct' }), /must be an "oct" JWK/],
      ['an "oct" JWK whose k is not a string', () => ({ kty: 'oct', k: 42 }), /must be an "oct" JWK/],
      // eslint-disable-next-line no-loss-of-precision -- any large number will do
      ['a number', () => 12345678901234567890123456789012345, /must be a string or a Buffer/],
      ['an array', () => ['x'.repeat(32)], /must be a string or a Buffer/],
      ['a Uint8Array', () => new Uint8Array(32), /must be a string or a Buffer/],
      ['a plain object without kty', () => ({ k: 'x'.repeat(43) }), /must be a string or a Buffer/],
    ])('refuses %s', (_, input, reason) => {
      expectRefused(input(), 'HS256', 'sign', reason, 'secret');
    });

    describe('refuses what looks like an asymmetric key (algorithm confusion)', () => {
      it.each([
        ['an SPKI public key PEM', () => pem(RSA.publicKey, 'spki')],
        ['a PKCS#1 public key PEM', () => pem(RSA.publicKey, 'pkcs1')],
        ['a private key PEM', () => pem(P256.privateKey, 'pkcs8')],
        ['a certificate', () => CERTIFICATE],
        ['a PEM inside other text', () => `secret=${'x'.repeat(40)}\n${pem(ED25519.publicKey, 'spki')}`],
        ['a PEM as a Buffer', () => Buffer.from(pem(RSA.publicKey, 'spki'))],
        ['JWK JSON text', () => JSON.stringify(RSA.publicKey.export({ format: 'jwk' }))],
        ['JWK JSON text with spaces around the colon', () => `{ "kty" : "oct", "k": "${'A'.repeat(43)}" }`],
        ['JWK JSON text as a Buffer', () => Buffer.from(JSON.stringify(P256.publicKey.export({ format: 'jwk' })))],
        [
          'JWK JSON text with an escaped "kty" name',
          () => JSON.stringify(RSA.publicKey.export({ format: 'jwk' })).replace('"kty"', '"k\\u0074y"'),
        ],
        ['an SPKI public key as DER bytes', () => RSA.publicKey.export({ format: 'der', type: 'spki' })],
        ['a PKCS#1 public key as DER bytes', () => RSA.publicKey.export({ format: 'der', type: 'pkcs1' })],
        ['an EC public key as DER bytes', () => P256.publicKey.export({ format: 'der', type: 'spki' })],
        ['a private key as DER bytes', () => ED25519.privateKey.export({ format: 'der', type: 'pkcs8' })],
      ])('%s', (_, input) => {
        const value = input();
        const error = expectRefused(
          value,
          'HS256',
          'sign',
          /looks like a PEM, DER or JWK key, not an HMAC secret/,
          'secret',
        );
        expect(error.message).not.toContain(value.toString().slice(30, 60));
      });
    });

    it('refuses a JWK whose alg is another HMAC algorithm', () => {
      expectRefused(
        { kty: 'oct', k: Buffer.alloc(64).toString('base64url'), alg: 'HS512' },
        'HS256',
        'sign',
        /is a JWK for HS512, not HS256/,
        'secret',
      );
    });
  });

  describe('asymmetric keys from PEM text', () => {
    it.each([
      ['RS256', 'an SPKI public key', () => pem(RSA.publicKey, 'spki'), RSA],
      ['RS256', 'a PKCS#1 public key', () => pem(RSA.publicKey, 'pkcs1'), RSA],
      ['PS256', 'an SPKI public key', () => pem(RSA.publicKey, 'spki'), RSA],
      ['ES256', 'an SPKI P-256 key', () => pem(P256.publicKey, 'spki'), P256],
      ['ES384', 'an SPKI P-384 key', () => pem(P384.publicKey, 'spki'), P384],
      ['ES512', 'an SPKI P-521 key', () => pem(P521.publicKey, 'spki'), P521],
      ['EdDSA', 'an SPKI Ed25519 key', () => pem(ED25519.publicKey, 'spki'), ED25519],
    ] as const)('%s verifies with %s', (algorithm, _, input, pair) => {
      expect(isPublicOf(loadKey(input(), algorithm, 'verify', 'publicKey'), pair)).toBe(true);
    });

    it.each([
      ['RS256', 'PKCS#8', () => pem(RSA.privateKey, 'pkcs8'), RSA],
      ['RS512', 'PKCS#1', () => pem(RSA.privateKey, 'pkcs1'), RSA],
      ['PS384', 'PKCS#8', () => pem(RSA.privateKey, 'pkcs8'), RSA],
      ['ES256', 'SEC1', () => pem(P256.privateKey, 'sec1'), P256],
      ['ES384', 'PKCS#8', () => pem(P384.privateKey, 'pkcs8'), P384],
      ['ES512', 'SEC1', () => pem(P521.privateKey, 'sec1'), P521],
      ['EdDSA', 'PKCS#8', () => pem(ED25519.privateKey, 'pkcs8'), ED25519],
    ] as const)('%s signs with a %s private key', (algorithm, _, input, pair) => {
      const key = loadKey(input(), algorithm, 'sign', 'privateKey');
      expect(key.type).toBe('private');
      expect(spkiDer(key).equals(spkiDer(pair.publicKey))).toBe(true);
    });

    it('derives the public key from a private key PEM given to verify with', () => {
      const key = loadKey(pem(P256.privateKey, 'pkcs8'), 'ES256', 'verify', 'publicKey');
      expect(isPublicOf(key, P256)).toBe(true);
    });

    it('takes the public key of an X.509 certificate to verify with', () => {
      const key = loadKey(CERTIFICATE, 'ES256', 'verify', 'publicKey');
      expect(key.type).toBe('public');
      expect(spkiDer(key).equals(spkiDer(new X509Certificate(CERTIFICATE).publicKey))).toBe(true);
    });

    it('accepts PEM text as a Buffer and with surrounding whitespace', () => {
      expect(isPublicOf(loadKey(Buffer.from(pem(RSA.publicKey, 'spki')), 'RS256', 'verify', 'publicKey'), RSA)).toBe(
        true,
      );
      expect(
        isPublicOf(loadKey(`\n\n${pem(ED25519.publicKey, 'spki')}\n\n`, 'EdDSA', 'verify', 'publicKey'), ED25519),
      ).toBe(true);
    });

    it.each([
      ['a public key', 'RS256', (): string => pem(RSA.publicKey, 'spki')],
      ['a certificate', 'ES256', (): string => CERTIFICATE],
    ] as const)('refuses %s where a private key is needed to sign', (_, algorithm, input) => {
      expectRefused(
        input(),
        algorithm,
        'sign',
        /is not a valid private key \(PEM, JWK or a file holding one\)/,
        'privateKey',
      );
    });

    it('refuses a truncated PEM without quoting it', () => {
      const lines = pem(RSA.privateKey, 'pkcs8').trim().split('\n');
      const body = lines[2]!;
      const corrupted = [...lines.slice(0, 4), lines.at(-1)].join('\n');
      for (const use of ['sign', 'verify'] as const) {
        const error = expectRefused(corrupted, 'RS256', use, /is not a valid (private|public) key/, 'privateKey');
        expect(error.message).not.toContain(body.slice(0, 16));
        expect(error.message).not.toContain('BEGIN');
      }
    });
  });

  describe('asymmetric keys from a file', () => {
    it('reads a PEM file, private or public', () => {
      const privatePath = file('rsa-private.pem', pem(RSA.privateKey, 'pkcs8'));
      const publicPath = file('rsa-public.pem', pem(RSA.publicKey, 'spki'));
      expect(spkiDer(loadKey(privatePath, 'RS256', 'sign', 'privateKey')).equals(spkiDer(RSA.publicKey))).toBe(true);
      expect(isPublicOf(loadKey(publicPath, 'RS256', 'verify', 'publicKey'), RSA)).toBe(true);
      expect(isPublicOf(loadKey(privatePath, 'RS256', 'verify', 'publicKey'), RSA)).toBe(true);
    });

    it('reads a JWK file', () => {
      const path = file('ed25519.jwk.json', JSON.stringify(ED25519.publicKey.export({ format: 'jwk' })));
      expect(isPublicOf(loadKey(path, 'EdDSA', 'verify', 'publicKey'), ED25519)).toBe(true);
    });

    it('trims whitespace around the path (as read from an environment file)', () => {
      const path = file('p256.pem', pem(P256.publicKey, 'spki'));
      expect(isPublicOf(loadKey(`  ${path}\n`, 'ES256', 'verify', 'publicKey'), P256)).toBe(true);
    });

    it('refuses a path that does not exist, without quoting it', () => {
      const missing = join(dir, 'no-such-key.pem');
      const error = expectRefused(
        missing,
        'RS256',
        'verify',
        /is neither PEM text, a JWK, nor the path of a readable file/,
        'publicKey',
      );
      expect(error.message).not.toContain(missing);
    });

    it('refuses a file that holds neither PEM nor a JWK', () => {
      const path = file('garbage.txt', 'just some text');
      expectRefused(
        path,
        'RS256',
        'verify',
        /is neither PEM text, a JWK, nor the path of a readable file/,
        'publicKey',
      );
    });

    it('refuses a file that holds a path (never followed twice)', () => {
      const inner = file('inner.pem', pem(RSA.publicKey, 'spki'));
      const outer = file('outer.txt', inner);
      expectRefused(
        outer,
        'RS256',
        'verify',
        /is neither PEM text, a JWK, nor the path of a readable file/,
        'publicKey',
      );
    });

    it('refuses a file holding a key of the wrong type, naming the option', () => {
      const path = file('p384.pem', pem(P384.publicKey, 'spki'));
      expectRefused(path, 'ES256', 'verify', /must be on curve prime256v1 for ES256 \(got secp384r1\)/, 'publicKey');
    });

    it('refuses a directory with an InvalidAuthOptionError naming the option', () => {
      const directory = join(dir, 'a-directory');
      mkdirSync(directory);
      expectRefused(directory, 'RS256', 'verify', /names a file that cannot be read/, 'publicKey');
    });

    it('refuses a text with a line break as a path, even if such a file exists', () => {
      const path = file('with-newline.pem', pem(RSA.publicKey, 'spki'));
      expectRefused(`${path}\nsecond line`, 'RS256', 'verify', /is neither PEM text/, 'publicKey');
    });
  });

  describe('asymmetric keys from a JWK', () => {
    it.each([
      ['RS256', RSA],
      ['PS512', RSA],
      ['ES256', P256],
      ['ES384', P384],
      ['ES512', P521],
      ['EdDSA', ED25519],
    ] as const)('%s: a public JWK object verifies, a private one signs', (algorithm, pair) => {
      expect(
        isPublicOf(loadKey(pair.publicKey.export({ format: 'jwk' }), algorithm, 'verify', 'publicKey'), pair),
      ).toBe(true);
      const signing = loadKey(pair.privateKey.export({ format: 'jwk' }), algorithm, 'sign', 'privateKey');
      expect(signing.type).toBe('private');
      expect(spkiDer(signing).equals(spkiDer(pair.publicKey))).toBe(true);
    });

    it('takes JWK JSON text, with surrounding whitespace', () => {
      const text = `\n ${JSON.stringify(P256.publicKey.export({ format: 'jwk' }))} \n`;
      expect(isPublicOf(loadKey(text, 'ES256', 'verify', 'publicKey'), P256)).toBe(true);
    });

    it('takes JWK JSON text as a Buffer', () => {
      const buffer = Buffer.from(JSON.stringify(ED25519.publicKey.export({ format: 'jwk' })));
      expect(isPublicOf(loadKey(buffer, 'EdDSA', 'verify', 'publicKey'), ED25519)).toBe(true);
    });

    it('derives the public key from a private JWK given to verify with (no "d" is kept)', () => {
      const key = loadKey(P256.privateKey.export({ format: 'jwk' }), 'ES256', 'verify', 'publicKey');
      expect(isPublicOf(key, P256)).toBe(true);
      expect(key.export({ format: 'jwk' })).not.toHaveProperty('d');
    });

    it('accepts a JWK whose alg and use agree with the configuration', () => {
      const jwk = { ...RSA.publicKey.export({ format: 'jwk' }), alg: 'PS256', use: 'sig', kid: 'k-1' };
      expect(isPublicOf(loadKey(jwk, 'PS256', 'verify', 'publicKey'), RSA)).toBe(true);
      expect(isPublicOf(loadKey(JSON.stringify(jwk), 'PS256', 'verify', 'publicKey'), RSA)).toBe(true);
    });

    it('refuses a public JWK where a private key is needed to sign', () => {
      expectRefused(
        RSA.publicKey.export({ format: 'jwk' }),
        'RS256',
        'sign',
        /is not a valid private key/,
        'privateKey',
      );
    });

    it.each([
      ['object', (jwk: object) => jwk],
      ['JSON text', (jwk: object) => JSON.stringify(jwk)],
    ])('refuses a JWK %s whose alg is another algorithm', (_, form) => {
      const jwk = { ...RSA.publicKey.export({ format: 'jwk' }), alg: 'RS512' };
      expectRefused(form(jwk), 'RS256', 'verify', /is a JWK for RS512, not RS256/, 'publicKey');
      expectRefused(form(jwk), 'PS512', 'verify', /is a JWK for RS512, not PS512/, 'publicKey');
    });

    it.each([
      ['object', (jwk: object) => jwk],
      ['JSON text', (jwk: object) => JSON.stringify(jwk)],
    ])('refuses a JWK %s meant for encryption (use "enc")', (_, form) => {
      const jwk = { ...P256.publicKey.export({ format: 'jwk' }), use: 'enc' };
      expectRefused(form(jwk), 'ES256', 'verify', /is a JWK for use "enc", not "sig"/, 'publicKey');
    });

    it.each([
      ['a file', (jwk: object) => file(`stated-alg-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(jwk))],
      ['a Buffer', (jwk: object) => Buffer.from(JSON.stringify(jwk))],
    ])('refuses a JWK read from %s whose alg or use disagrees, like the same JWK given as text', (_, form) => {
      const wrongAlg = { ...RSA.publicKey.export({ format: 'jwk' }), alg: 'RS512' };
      const wrongUse = { ...RSA.publicKey.export({ format: 'jwk' }), use: 'enc' };
      expectRefused(JSON.stringify(wrongAlg), 'RS256', 'verify', /is a JWK for RS512, not RS256/, 'publicKey');
      expectRefused(form(wrongAlg), 'RS256', 'verify', /is a JWK for RS512, not RS256/, 'publicKey');
      expectRefused(form(wrongUse), 'RS256', 'verify', /is a JWK for use "enc", not "sig"/, 'publicKey');
    });

    it.each([
      ['invalid JSON', '{"kty":"RSA",'],
      ['JSON without kty', '{"n":"abc","e":"AQAB"}'],
      ['a JWKS document rather than one key', '{ "keys": [] }'],
    ])('refuses text that starts like a JWK but is %s', (_, text) => {
      expectRefused(text, 'RS256', 'verify', /is not a valid JWK/, 'publicKey');
    });

    it('refuses an RSA JWK without its modulus', () => {
      const { n, ...jwk } = RSA.publicKey.export({ format: 'jwk' });
      expect(n).toEqual(expect.any(String));
      expectRefused(jwk, 'RS256', 'verify', /is not a valid public key/, 'publicKey');
    });

    it('refuses an RSA JWK whose modulus is too short, however it is written', () => {
      const jwk = { ...RSA.publicKey.export({ format: 'jwk' }), n: Buffer.alloc(128, 0xc3).toString('base64url') };
      expectRefused(jwk, 'RS256', 'verify', /must be an RSA key of at least 2048 bits \(got 1024\)/, 'publicKey');
    });

    it('never quotes the private members of a JWK it refuses', () => {
      const jwk = P384.privateKey.export({ format: 'jwk' });
      const error = expectRefused(jwk, 'ES256', 'sign', /must be on curve prime256v1/, 'privateKey');
      expect(error.message).not.toContain(jwk.d!);
      expect(error.message).not.toContain(jwk.x!);
    });
  });

  describe('KeyObjects', () => {
    it('returns a private key given to sign with unchanged', () => {
      expect(loadKey(P256.privateKey, 'ES256', 'sign', 'privateKey')).toBe(P256.privateKey);
    });

    it('returns a public key given to verify with unchanged', () => {
      expect(loadKey(ED25519.publicKey, 'EdDSA', 'verify', 'publicKey')).toBe(ED25519.publicKey);
    });

    it('turns a private key given to verify with into its public key', () => {
      const key = loadKey(RSA.privateKey, 'RS256', 'verify', 'publicKey');
      expect(isPublicOf(key, RSA)).toBe(true);
      expect(key.export({ format: 'jwk' })).not.toHaveProperty('d');
    });

    it('refuses a public key to sign with', () => {
      expectRefused(RSA.publicKey, 'RS256', 'sign', /must be a private key/, 'privateKey');
    });

    it('refuses a secret key for an asymmetric algorithm', () => {
      expectRefused(
        createSecretKey(Buffer.alloc(64)),
        'RS256',
        'sign',
        /must be an asymmetric key \(got a secret key\)/,
        'privateKey',
      );
      expectRefused(
        createSecretKey(Buffer.alloc(64)),
        'EdDSA',
        'verify',
        /must be an asymmetric key \(got a secret key\)/,
        'publicKey',
      );
    });
  });

  describe('key type, size and curve', () => {
    it.each([
      ['RS256', 'a P-256 key', () => P256.publicKey, /must be a rsa key for RS256 \(got ec\)/],
      ['RS384', 'an Ed25519 key', () => ED25519.publicKey, /must be a rsa key for RS384 \(got ed25519\)/],
      ['RS256', 'an RSA-PSS key', () => RSA_PSS.publicKey, /must be a rsa key for RS256 \(got rsa-pss\)/],
      ['PS256', 'a P-256 key', () => P256.publicKey, /must be a rsa key for PS256 \(got ec\)/],
      ['ES256', 'an RSA key', () => RSA.publicKey, /must be a ec key for ES256 \(got rsa\)/],
      ['ES256', 'an Ed25519 key', () => ED25519.publicKey, /must be a ec key for ES256 \(got ed25519\)/],
      ['EdDSA', 'an Ed448 key', () => ED448.publicKey, /must be a ed25519 key for EdDSA \(got ed448\)/],
      ['EdDSA', 'an X25519 key', () => X25519.publicKey, /must be a ed25519 key for EdDSA \(got x25519\)/],
      ['EdDSA', 'a P-256 key', () => P256.publicKey, /must be a ed25519 key for EdDSA \(got ec\)/],
    ] as const)('%s refuses %s', (algorithm, _, key, reason) => {
      expectRefused(key(), algorithm, 'verify', reason, 'publicKey');
      expectRefused(pem(key(), 'spki'), algorithm, 'verify', reason, 'publicKey');
    });

    it.each([
      ['ES256', () => P384, 'prime256v1', 'secp384r1'],
      ['ES256', () => SECP256K1, 'prime256v1', 'secp256k1'],
      ['ES384', () => P256, 'secp384r1', 'prime256v1'],
      ['ES384', () => P521, 'secp384r1', 'secp521r1'],
      ['ES512', () => P384, 'secp521r1', 'secp384r1'],
    ] as const)('%s refuses a key on another curve', (algorithm, pair, expected, got) => {
      const reason = new RegExp(`must be on curve ${expected} for ${algorithm} \\(got ${got}\\)`);
      expectRefused(pair().publicKey, algorithm, 'verify', reason, 'publicKey');
      expectRefused(pair().privateKey, algorithm, 'sign', reason, 'privateKey');
    });

    it('refuses a JWK on another curve', () => {
      expectRefused(
        P384.publicKey.export({ format: 'jwk' }),
        'ES256',
        'verify',
        /must be on curve prime256v1 for ES256 \(got secp384r1\)/,
        'publicKey',
      );
      expectRefused(
        P256.privateKey.export({ format: 'jwk' }),
        'ES512',
        'sign',
        /must be on curve secp521r1 for ES512 \(got prime256v1\)/,
        'privateKey',
      );
    });

    it.each(['RS256', 'RS512', 'PS256', 'PS512'] as const)(
      '%s refuses an RSA key under 2048 bits, and takes one of 2048',
      (algorithm) => {
        expectRefused(
          RSA_1024.publicKey,
          algorithm,
          'verify',
          /must be an RSA key of at least 2048 bits \(got 1024\)/,
          'publicKey',
        );
        expectRefused(pem(RSA_1024.privateKey, 'pkcs8'), algorithm, 'sign', /at least 2048 bits/, 'privateKey');
        expect(loadKey(RSA.publicKey, algorithm, 'verify', 'publicKey').asymmetricKeyDetails?.modulusLength).toBe(2048);
      },
    );

    it('PS algorithms take a plain RSA key and refuse an RSA-PSS-typed one (it cannot be published as a JWK)', () => {
      expect(loadKey(RSA.privateKey, 'PS256', 'sign', 'privateKey').asymmetricKeyType).toBe('rsa');
      expect(loadKey(pem(RSA.publicKey, 'spki'), 'PS512', 'verify', 'publicKey').asymmetricKeyType).toBe('rsa');
      expectRefused(RSA_PSS.privateKey, 'PS256', 'sign', /must be a rsa key for PS256 \(got rsa-pss\)/, 'privateKey');
      expectRefused(
        pem(RSA_PSS.publicKey, 'spki'),
        'PS512',
        'verify',
        /must be a rsa key for PS512 \(got rsa-pss\)/,
        'publicKey',
      );
    });

    it('PS algorithms refuse an RSA-PSS key restricted to a hash, for its own hash as for another', () => {
      // Such a key could not serve PS512 at all (OpenSSL "digest not allowed"), and is not publishable as a JWK.
      expectRefused(RSA_PSS_SHA256.privateKey, 'PS256', 'sign', /PS256/, 'privateKey');
      expectRefused(RSA_PSS_SHA256.privateKey, 'PS512', 'sign', /PS512/, 'privateKey');
      expectRefused(RSA_PSS_SHA256.publicKey, 'PS384', 'verify', /PS384/, 'publicKey');
    });

    it.each([
      ['ES256', P256],
      ['ES384', P384],
      ['ES512', P521],
      ['EdDSA', ED25519],
    ] as const)('%s takes a key of the right kind', (algorithm, pair) => {
      expect(loadKey(pair.privateKey, algorithm, 'sign', 'privateKey')).toBe(pair.privateKey);
      expect(loadKey(pair.publicKey, algorithm, 'verify', 'publicKey')).toBe(pair.publicKey);
    });
  });

  describe('other inputs', () => {
    it.each([
      ['a number', 42],
      ['an array', [pem(RSA.publicKey, 'spki')]],
      ['a boolean', true],
      ['an object without kty', { n: 'x', e: 'AQAB' }],
    ])('refuses %s for an asymmetric algorithm', (_, input) => {
      expectRefused(input, 'RS256', 'verify', /must be PEM text, a file path, a JWK or a KeyObject/, 'publicKey');
    });

    it('refuses random text without quoting it', () => {
      const text = 'definitely-not-a-key-material-XYZ';
      const error = expectRefused(
        text,
        'ES256',
        'sign',
        /is neither PEM text, a JWK, nor the path of a readable file/,
        'privateKey',
      );
      expect(error.message).not.toContain(text);
    });

    it('names whatever option it is given', () => {
      expectRefused('nope', 'EdDSA', 'verify', /is neither PEM text/, 'verificationKeys[3].key');
    });
  });
});
