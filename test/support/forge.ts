import { createHmac } from 'node:crypto';
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
