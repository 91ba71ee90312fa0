/**
 * Rule 2 of /work/shared/reference/security.md: keys are checked at start-up. Each refusal is an
 * InvalidAuthOptionError naming the option, and needs no HTTP. Shared set-up: test/support/security-apps.ts.
 */
import { createSecretKey, type JsonWebKey, randomBytes, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { startUpRefusal } from '../fixtures/security.app.js';
import { accessClaims, exponentOneJwk, exponentOneKey, forgeForExponentOne } from '../support/forge.js';
import { K } from '../support/security-apps.js';
import { privatePem, publicPem } from '../support/security-keys.js';

describe('rule 2: keys are checked at start-up', () => {
  const rsaJwk = K.rsa.publicKey.export({ format: 'jwk' });
  const ecJwk = K.p256.publicKey.export({ format: 'jwk' });
  const spki = publicPem(K.rsa);
  const body = spki.split('\n');
  const cases: Array<{ name: string; options: () => unknown; option: string }> = [
    {
      name: 'a public key PEM given as privateKey (RS256)',
      options: () => ({ algorithm: 'RS256', privateKey: spki }),
      option: 'privateKey',
    },
    {
      name: 'a public key PEM given as privateKey (ES256)',
      options: () => ({ algorithm: 'ES256', privateKey: publicPem(K.p256) }),
      option: 'privateKey',
    },
    {
      name: 'a public KeyObject given as privateKey',
      options: () => ({ algorithm: 'EdDSA', privateKey: K.ed25519.publicKey }),
      option: 'privateKey',
    },
    {
      name: 'a truncated PEM as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: `${body.slice(0, 3).join('\n')}\n-----END PUBLIC KEY-----\n` }),
      option: 'publicKey',
    },
    {
      name: 'a PEM with a corrupted body as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: spki.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA') }),
      option: 'publicKey',
    },
    {
      name: 'a PEM body without its BEGIN/END lines as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: body.slice(1, -2).join('') }),
      option: 'publicKey',
    },
    {
      name: 'a truncated JWK text as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: JSON.stringify(rsaJwk).slice(0, 40) }),
      option: 'publicKey',
    },
    {
      name: 'an RSA JWK without "e" as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: { kty: 'RSA', n: rsaJwk.n } }),
      option: 'publicKey',
    },
    {
      name: 'an EC JWK whose point is off the curve as publicKey',
      options: () => ({ algorithm: 'ES256', publicKey: { ...ecJwk, y: ecJwk.x } }),
      option: 'publicKey',
    },
    {
      name: 'a JWK stating another algorithm as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: { ...rsaJwk, alg: 'RS384' } }),
      option: 'publicKey',
    },
    {
      name: 'an encryption JWK (use "enc") as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: { ...rsaJwk, use: 'enc' } }),
      option: 'publicKey',
    },
    {
      name: 'an RSA 1024-bit privateKey for RS256',
      options: () => ({ algorithm: 'RS256', privateKey: privatePem(K.rsa1024) }),
      option: 'privateKey',
    },
    {
      name: 'an RSA 1024-bit publicKey for RS256',
      options: () => ({ algorithm: 'RS256', publicKey: publicPem(K.rsa1024) }),
      option: 'publicKey',
    },
    {
      name: 'an RSA 1024-bit privateKey for PS256',
      options: () => ({ algorithm: 'PS256', privateKey: K.rsa1024.privateKey }),
      option: 'privateKey',
    },
    {
      name: 'an RSA 1024-bit verification key',
      options: () => ({
        algorithm: 'RS256',
        privateKey: privatePem(K.rsa),
        verificationKeys: [{ kid: 'old', key: publicPem(K.rsa1024) }],
      }),
      option: 'verificationKeys[0].key',
    },
    {
      name: 'an EC P-384 key for ES256',
      options: () => ({ algorithm: 'ES256', privateKey: privatePem(K.p384) }),
      option: 'privateKey',
    },
    {
      name: 'an EC P-256 key for ES384',
      options: () => ({ algorithm: 'ES384', privateKey: privatePem(K.p256) }),
      option: 'privateKey',
    },
    {
      name: 'a secp256k1 key for ES256',
      options: () => ({ algorithm: 'ES256', privateKey: privatePem(K.secp256k1) }),
      option: 'privateKey',
    },
    {
      name: 'an Ed25519 key for RS256',
      options: () => ({ algorithm: 'RS256', privateKey: privatePem(K.ed25519) }),
      option: 'privateKey',
    },
    {
      name: 'an RSA key for EdDSA',
      options: () => ({ algorithm: 'EdDSA', privateKey: privatePem(K.rsa) }),
      option: 'privateKey',
    },
    {
      name: 'an X25519 key for EdDSA',
      options: () => ({ algorithm: 'EdDSA', privateKey: privatePem(K.x25519) }),
      option: 'privateKey',
    },
    { name: 'an RSA key for ES256', options: () => ({ algorithm: 'ES256', publicKey: spki }), option: 'publicKey' },
    {
      name: 'an HMAC secret given as privateKey (RS256)',
      options: () => ({ algorithm: 'RS256', privateKey: 'x'.repeat(64) }),
      option: 'privateKey',
    },
    {
      name: 'a secret KeyObject given as publicKey',
      options: () => ({ algorithm: 'RS256', publicKey: createSecretKey(randomBytes(64)) }),
      option: 'publicKey',
    },
    { name: 'an empty privateKey', options: () => ({ algorithm: 'RS256', privateKey: '' }), option: 'privateKey' },
    { name: 'an empty publicKey', options: () => ({ algorithm: 'ES256', publicKey: '' }), option: 'publicKey' },
    { name: 'an empty secret', options: () => ({ algorithm: 'HS256', secret: '' }), option: 'secret' },
    {
      name: 'an empty Buffer secret',
      options: () => ({ algorithm: 'HS256', secret: Buffer.alloc(0) }),
      option: 'secret',
    },
    {
      name: 'an empty verification key',
      options: () => ({ secret: K.mixedHmac, verificationKeys: [{ kid: 'old', key: '' }] }),
      option: 'verificationKeys[0].key',
    },
    { name: 'no key at all', options: () => ({}), option: 'secret' },
    {
      name: 'a 31-byte HS256 secret',
      options: () => ({ algorithm: 'HS256', secret: 'x'.repeat(31) }),
      option: 'secret',
    },
    {
      name: 'a 47-byte HS384 secret',
      options: () => ({ algorithm: 'HS384', secret: Buffer.alloc(47, 1) }),
      option: 'secret',
    },
    {
      name: 'a 63-byte HS512 secret',
      options: () => ({ algorithm: 'HS512', secret: 'x'.repeat(63) }),
      option: 'secret',
    },
    {
      name: 'a 31-byte HS256 verification secret',
      options: () => ({ secret: K.mixedHmac, verificationKeys: [{ kid: 'old', key: 'x'.repeat(31) }] }),
      option: 'verificationKeys[0].key',
    },
    { name: 'a secret with RS256', options: () => ({ algorithm: 'RS256', secret: K.hmac }), option: 'secret' },
    {
      name: 'a privateKey with HS256',
      options: () => ({ algorithm: 'HS256', secret: K.hmac, privateKey: privatePem(K.rsa) }),
      option: 'privateKey',
    },
    {
      name: 'a publicKey that does not match privateKey',
      options: () => ({ algorithm: 'RS256', privateKey: privatePem(K.rsa), publicKey: publicPem(K.attackerRsa) }),
      option: 'publicKey',
    },
    { name: 'algorithm "none"', options: () => ({ algorithm: 'none', secret: K.hmac }), option: 'algorithm' },
    {
      name: 'algorithm "hs256" (wrong case)',
      options: () => ({ algorithm: 'hs256', secret: K.hmac }),
      option: 'algorithm',
    },
    {
      name: 'a verification key pinned to "none"',
      options: () => ({ secret: K.mixedHmac, verificationKeys: [{ kid: 'x', algorithm: 'none', key: K.hmac }] }),
      option: 'verificationKeys[0].algorithm',
    },
    {
      name: 'a remote JWKS accepting HS256',
      options: () => ({ algorithm: 'RS256', jwks: { uri: 'https://issuer.test/jwks.json', algorithms: ['HS256'] } }),
      option: 'jwks.algorithms',
    },
  ];

  it.each(cases)('refuses $name, naming "$option"', async ({ options, option }) => {
    const error = await startUpRefusal(options());
    expect(error.option).toBe(option);
    expect(error.message).toContain(`nest-jwt-extended: option "${option}"`);
    // Errors name the option, never quote the key.
    expect(error.message).not.toMatch(/-----BEGIN|MII[A-Za-z0-9+/]{20}/);
  });
});

/**
 * Issue 23: an RSA key with public exponent 1 verified a token anyone can forge ({"sub":"admin","type":"access",
 * "fresh":true}), through publicKey and verificationKeys alike. The same key checks now refuse it, and the other keys
 * those checks catch, at start-up, naming the option and the kid. (The remote JWKS path: test/jwks.e2e-spec.ts.)
 */
describe('issue 23: the key checks refuse weak and broken keys at start-up', () => {
  const forged = forgeForExponentOne({ kid: 'e1' }, accessClaims({ sub: 'admin', fresh: true }));
  const e1Jwk = exponentOneJwk(K.rsa.publicKey);
  const e1Pem = exponentOneKey(K.rsa.publicKey).export({ type: 'spki', format: 'pem' }).toString();

  it('the forgery is real: node:crypto alone verifies the forged admin token with the e = 1 key', () => {
    const [header, payload, signature] = forged.split('.');
    const verified = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      exponentOneKey(K.rsa.publicKey),
      Buffer.from(signature!, 'base64url'),
    );
    expect(verified).toBe(true);
  });

  it.each([
    ['publicKey as a JWK', { algorithm: 'RS256', publicKey: e1Jwk, kid: 'e1' }, 'publicKey'],
    ['publicKey as PEM', { algorithm: 'RS256', publicKey: e1Pem, kid: 'e1' }, 'publicKey'],
    [
      'a verificationKeys entry',
      { algorithm: 'RS256', privateKey: privatePem(K.rsa), verificationKeys: [{ kid: 'e1', key: e1Jwk }] },
      'verificationKeys[0].key',
    ],
    [
      'a PS256 verificationKeys entry',
      { secret: K.mixedHmac, verificationKeys: [{ kid: 'e1', algorithm: 'PS256', key: e1Pem }] },
      'verificationKeys[0].key',
    ],
  ] as const)('refuses the e = 1 key as %s, naming the option and the kid', async (_, options, option) => {
    const error = await startUpRefusal(options);
    expect(error.option).toBe(option);
    expect(error.message).toBe(
      `nest-jwt-extended: option "${option}" is an RSA key with public exponent 1: it must be odd and at least 3 (kid "e1")`,
    );
    expect(error.message).not.toContain(String(e1Jwk.n).slice(0, 16));
  });

  const rocaJwk = (
    JSON.parse(readFileSync('test/fixtures/vectors/wycheproof/json_web_key_test.json', 'utf8')) as {
      testGroups: Array<{ comment: string; public?: { keys: JsonWebKey[] } }>;
    }
  ).testGroups.find((group) => group.comment === 'jws_rsa_roca_key')!.public!.keys[0]!;
  const ecJwk = K.p256.publicKey.export({ format: 'jwk' });
  const edJwk = K.ed25519.publicKey.export({ format: 'jwk' });

  it.each([
    ['an even public exponent', { ...K.rsa.publicKey.export({ format: 'jwk' }), e: 'AQAA' }, 'RS256', /exponent 65536/],
    ['a ROCA-vulnerable modulus (Wycheproof JWK tcId 7)', rocaJwk, 'RS256', /ROCA fingerprint \(CVE-2017-15361\)/],
    [
      'key_ops without "verify"',
      { ...K.rsa.publicKey.export({ format: 'jwk' }), key_ops: ['encrypt'] },
      'RS256',
      /key_ops \(\["encrypt"\]\) do not include "verify"/,
    ],
    ['an EC point off P-256', { ...ecJwk, y: ecJwk.x }, 'ES256', /is an EC key whose point is not on P-256/],
    [
      'Ed25519 bytes that are no point',
      { ...edJwk, x: 'AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI' },
      'EdDSA',
      /not a point on Ed25519/,
    ],
  ] as const)('refuses %s as a verification key, with our own message', async (_, key, algorithm, reason) => {
    const error = await startUpRefusal({ secret: K.mixedHmac, verificationKeys: [{ kid: 'bad', algorithm, key }] });
    expect(error.option).toBe('verificationKeys[0].key');
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(/\(kid "bad"\)$/);
  });

  it('refuses a signing key whose key_ops exclude "sign"', async () => {
    const jwk = { ...K.p256.privateKey.export({ format: 'jwk' }), key_ops: ['verify'] };
    const error = await startUpRefusal({ algorithm: 'ES256', privateKey: jwk, kid: 'k' });
    expect(error.option).toBe('privateKey');
    expect(error.message).toMatch(/do not include "sign"/);
  });
});
