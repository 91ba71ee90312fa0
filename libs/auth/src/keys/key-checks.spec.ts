import { createPublicKey, createSecretKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { curvePointProblem } from './curve-points.js';
import { jwkProblem, keyProblem } from './key-checks.js';
import { hasRocaFingerprint, ROCA_MASKS, ROCA_PRIMES } from './roca.js';

const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const P256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const P384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const P521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const ED25519 = generateKeyPairSync('ed25519');
const rsaJwk = RSA.publicKey.export({ format: 'jwk' });

/** The RSA public key with the same modulus and exponent `e` (base64url). */
const withExponent = (e: string): KeyObject => createPublicKey({ key: { ...rsaJwk, e }, format: 'jwk' });

/**
 * Wycheproof json_web_key_test.json, group jws_rsa_roca_key (tcId 7): an RSA modulus with the ROCA fingerprint
 * (CVE-2017-15361). Apache-2.0, see test/fixtures/vectors/.
 */
const ROCA_N =
  'AanFpofbj7KjD4Lf-N2hVMKR7yewSyXhhbirIMTGpfYEhZ_lnt5UoK98DnKIgArXGTu3MaW_HhFw16HGaTDUHqPrId7fe4r11CqRw09yBFuW79V8sYIwHdzCaWflUI6auImYbVfoN9_nD5n8N8SY9DwXw7mwZM9wREPXoDPgOoIWl6q_MPsp7n0zs3Z5ZaiQWOOzl1S9OhwAfSiiOwz6efnXEaxuTEtPd7BjSx7NaFka8Dx9U7YqXy2RFj1O9PjyaDGuRh7YXsX3iMUSP_wSyHQg_c_qHRtKUsNSGCT7OZg0hzm2KphtjnayKJvC64vAbROBR4Ubg6Bxg9IQVZ-QYyE';

/** crocs-muni/roca roca/detect.py (MIT), RocaFingerprinter.prints: the published masks, one per prime of ROCA_PRIMES. */
const DETECT_PY_PRINTS = [
  6n,
  30n,
  126n,
  1026n,
  5658n,
  107286n,
  199410n,
  8388606n,
  536870910n,
  2147483646n,
  67109890n,
  2199023255550n,
  8796093022206n,
  140737488355326n,
  5310023542746834n,
  576460752303423486n,
  1455791217086302986n,
  147573952589676412926n,
  20052041432995567486n,
  6041388139249378920330n,
  207530445072488465666n,
  9671406556917033397649406n,
  618970019642690137449562110n,
  79228162521181866724264247298n,
  2535301200456458802993406410750n,
  1760368345969468176824550810518n,
  50079290986288516948354744811034n,
  473022961816146413042658758988474n,
  10384593717069655257060992658440190n,
  144390480366845522447407333004847678774n,
  2722258935367507707706996859454145691646n,
  174224571863520493293247799005065324265470n,
  696898287454081973172991196020261297061886n,
  713623846352979940529142984724747568191373310n,
  1800793591454480341970779146165214289059119882n,
  126304807362733370595828809000324029340048915994n,
  11692013098647223345629478661730264157247460343806n,
  187072209578355573530071658587684226515959365500926n,
];

describe('keyProblem', () => {
  it('passes keys that fit their algorithm', () => {
    expect(keyProblem(RSA.publicKey, 'RS256')).toBeUndefined();
    expect(keyProblem(RSA.privateKey, 'PS512')).toBeUndefined();
    expect(keyProblem(P256.publicKey, 'ES256')).toBeUndefined();
    expect(keyProblem(P521.privateKey, 'ES512')).toBeUndefined();
    expect(keyProblem(ED25519.publicKey, 'EdDSA')).toBeUndefined();
    expect(keyProblem(createSecretKey(Buffer.alloc(32)), 'HS256')).toBeUndefined();
  });

  it('refuses a public key for an HMAC algorithm, and a secret for an asymmetric one', () => {
    expect(keyProblem(RSA.publicKey, 'HS256')).toMatch(/must be a secret for HS256/);
    expect(keyProblem(createSecretKey(Buffer.alloc(64)), 'ES256')).toMatch(/must be a ec key for ES256 \(got secret\)/);
  });

  it('refuses an HMAC secret shorter than the hash, an RSA key under 2048 bits, an EC key on another curve', () => {
    expect(keyProblem(createSecretKey(Buffer.alloc(47)), 'HS384')).toMatch(/at least 48 bytes for HS384 \(got 47\)/);
    expect(keyProblem(RSA_1024.privateKey, 'RS256')).toMatch(/at least 2048 bits \(got 1024\)/);
    expect(keyProblem(P384.publicKey, 'ES256')).toMatch(/must be on curve prime256v1 for ES256 \(got secp384r1\)/);
  });

  it('refuses an RSA public exponent of 1 (the forged-signature key), an even one, and 0; passes 3 and 65537', () => {
    expect(withExponent('AQ').asymmetricKeyDetails?.publicExponent).toBe(1n); // Node takes it without complaint
    expect(keyProblem(withExponent('AQ'), 'RS256')).toBe(
      'is an RSA key with public exponent 1: it must be odd and at least 3',
    );
    expect(keyProblem(withExponent('AQ'), 'PS256')).toMatch(/public exponent 1/);
    expect(keyProblem(withExponent('Ag'), 'RS256')).toMatch(/public exponent 2: it must be odd/);
    expect(keyProblem(withExponent('AQAA'), 'RS256')).toMatch(/public exponent 65536/);
    expect(keyProblem(withExponent('Aw'), 'RS256')).toBeUndefined();
    expect(keyProblem(withExponent('AQAB'), 'RS256')).toBeUndefined();
  });

  it('refuses an RSA modulus with the ROCA fingerprint (Wycheproof JWK tcId 7), without quoting it', () => {
    const key = createPublicKey({ key: { kty: 'RSA', n: ROCA_N, e: 'AQAB' }, format: 'jwk' });
    const problem = keyProblem(key, 'RS256');
    expect(problem).toMatch(/ROCA fingerprint \(CVE-2017-15361\)/);
    expect(problem).not.toContain(ROCA_N.slice(0, 16));
  });

  it('refuses an Ed25519 key that is no point of the curve (Node imports any 32 bytes)', () => {
    const notAPoint = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: NOT_ED25519_POINT }, format: 'jwk' });
    expect(keyProblem(notAPoint, 'EdDSA')).toMatch(/not a point on Ed25519/);
  });
});

describe('the ROCA fingerprint', () => {
  it('computes the masks detect.py publishes', () => {
    expect(ROCA_PRIMES).toHaveLength(DETECT_PY_PRINTS.length);
    expect(ROCA_MASKS).toEqual(DETECT_PY_PRINTS);
  });

  it('finds it in the Wycheproof ROCA modulus, and not in 200 fresh 2048-bit moduli', () => {
    expect(hasRocaFingerprint(BigInt(`0x${Buffer.from(ROCA_N, 'base64url').toString('hex')}`))).toBe(true);
    // A random modulus has it with probability ~2^-154; Node's keys come from OpenSSL, not from RSALib.
    const modulus = (key: KeyObject) =>
      BigInt(`0x${Buffer.from(key.export({ format: 'jwk' }).n!, 'base64url').toString('hex')}`);
    expect(hasRocaFingerprint(modulus(RSA.publicKey))).toBe(false);
    // Products of two random odd numbers stand in for more keys: the test is on residues only.
    for (let i = 0; i < 200; i++) {
      const n = (BigInt(`0x${randomHex(128)}`) * BigInt(`0x${randomHex(128)}`)) | 1n;
      expect(hasRocaFingerprint(n)).toBe(false);
    }
  });
});

describe('jwkProblem', () => {
  it('passes a JWK that states nothing, or what fits', () => {
    expect(jwkProblem(rsaJwk, 'RS256', 'verify')).toBeUndefined();
    expect(jwkProblem({ ...rsaJwk, alg: 'RS256', use: 'sig', key_ops: ['verify'] }, 'RS256', 'verify')).toBeUndefined();
    expect(jwkProblem({ kty: 'oct', k: 'AA', key_ops: ['sign', 'verify'] }, 'HS256', 'sign')).toBeUndefined();
  });

  it('refuses another alg, a use other than "sig", and key_ops without the operation (RFC 7517 sections 4.2 to 4.4)', () => {
    expect(jwkProblem({ ...rsaJwk, alg: 'RS384' }, 'RS256', 'verify')).toBe('is a JWK for RS384, not RS256');
    expect(jwkProblem({ ...rsaJwk, use: 'enc' }, 'RS256', 'verify')).toBe('is a JWK for use "enc", not "sig"');
    expect(jwkProblem({ ...rsaJwk, key_ops: ['encrypt'] }, 'RS256', 'verify')).toBe(
      'is a JWK whose key_ops (["encrypt"]) do not include "verify" (RFC 7517 section 4.3)',
    );
    expect(jwkProblem({ ...rsaJwk, key_ops: ['verify'] }, 'RS256', 'sign')).toMatch(/do not include "sign"/);
    for (const key_ops of ['verify', ['verify', 'verify'], [1]] as unknown as string[][])
      expect(jwkProblem({ ...rsaJwk, key_ops }, 'RS256', 'verify')).toMatch(/not an array of distinct strings/);
  });
});

describe('curvePointProblem', () => {
  const jwkOf = (key: KeyObject): JsonWebKey => key.export({ format: 'jwk' });

  it('passes the points of generated keys on P-256, P-384, P-521 and Ed25519', () => {
    for (const pair of [P256, P384, P521, ED25519]) expect(curvePointProblem(jwkOf(pair.publicKey))).toBeUndefined();
    for (let i = 0; i < 20; i++)
      expect(curvePointProblem(jwkOf(generateKeyPairSync('ed25519').publicKey))).toBeUndefined();
  });

  it('names the curve of an EC point that is not on it, and of coordinates of the wrong size', () => {
    for (const [pair, crv] of [
      [P256, 'P-256'],
      [P384, 'P-384'],
      [P521, 'P-521'],
    ] as const) {
      const jwk = jwkOf(pair.publicKey);
      expect(curvePointProblem({ ...jwk, y: jwk.x })).toBe(`is an EC key whose point is not on ${crv}`);
    }
    const jwk = jwkOf(P256.publicKey);
    expect(curvePointProblem({ ...jwk, x: jwk.x!.slice(0, 40) })).toMatch(/not 32-byte coordinates/);
    expect(curvePointProblem({ ...jwk, crv: 'P-384' })).toMatch(/not 48-byte coordinates/);
  });

  it('refuses Ed25519 bytes that decode to no point, and an x of the wrong size', () => {
    expect(curvePointProblem({ kty: 'OKP', crv: 'Ed25519', x: NOT_ED25519_POINT })).toMatch(/not a point on Ed25519/);
    expect(curvePointProblem({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' })).toMatch(/not 32 bytes/);
  });
});

/** 32 bytes of 0x02: y = 0x0202...02 gives no x with x^2 = (y^2 - 1) / (d y^2 + 1) (about half of all y do not). */
const NOT_ED25519_POINT = 'AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI';

function randomHex(bytes: number): string {
  return Buffer.from(Array.from({ length: bytes }, () => Math.floor(Math.random() * 256))).toString('hex');
}
