import { createHash, createHmac, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { TEST_SECRET } from './test-env.js';

/** Seconds since the epoch, as JWT time claims count them. */
export const now = (): number => Math.floor(Date.now() / 1000);

/** base64url of a JSON value or raw string. */
export const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The claims the demo would put in a fresh access token for `test`, to be bent by each test. */
export function accessClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = now();
  return { sub: 'test', iat, nbf: iat, jti: randomUUID(), type: 'access', fresh: false, exp: iat + 900, ...overrides };
}

/**
 * Signs any header and payload by hand with HMAC, including what jsonwebtoken refuses to produce
 * (other algorithms' names, array payloads, missing claims). `undefined` claims are dropped.
 */
export function forge(
  payload: unknown,
  {
    alg = 'HS256',
    secret = TEST_SECRET,
    header = {},
  }: { alg?: string; secret?: string; header?: Record<string, unknown> } = {},
): string {
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  const signingInput = `${b64({ alg, typ: 'JWT', ...header })}.${b64(payload)}`;
  return `${signingInput}.${createHmac(hash, secret).update(signingInput).digest('base64url')}`;
}

/** An unsigned token: `alg` in the header (some casing of none), empty signature. */
export function unsigned(payload: unknown, alg = 'none'): string {
  return `${b64({ alg, typ: 'JWT' })}.${b64(payload)}.`;
}

/**
 * The RSA public key with `publicKey`'s modulus and public exponent 1, as a JWK: the key of the e = 1 forgery
 * (issue 23). Node imports it without complaint.
 */
export function exponentOneJwk(publicKey: KeyObject, extra: Record<string, unknown> = {}): JsonWebKey {
  return { ...publicKey.export({ format: 'jwk' }), e: 'AQ', ...extra };
}

/**
 * An RS256 token "signed" for an RSA key with public exponent 1, without any private key: s^1 mod n = s, so the
 * EMSA-PKCS1-v1_5 encoding of the digest (RFC 8017 section 9.2) is its own signature. `modulusBytes` is the key size.
 */
export function forgeForExponentOne(header: Record<string, unknown>, payload: unknown, modulusBytes = 256): string {
  const signingInput = `${b64({ alg: 'RS256', typ: 'JWT', ...header })}.${b64(payload)}`;
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'), // DigestInfo prefix of SHA-256
    createHash('sha256').update(signingInput).digest(),
  ]);
  const padding = Buffer.alloc(modulusBytes - digestInfo.length - 3, 0xff);
  const encoded = Buffer.concat([Buffer.from([0x00, 0x01]), padding, Buffer.from([0x00]), digestInfo]);
  return `${signingInput}.${encoded.toString('base64url')}`;
}

/** `exponentOneJwk` as a KeyObject, to show with node:crypto alone that a forged token verifies under it. */
export const exponentOneKey = (publicKey: KeyObject): KeyObject =>
  createPublicKey({ key: exponentOneJwk(publicKey), format: 'jwk' });
