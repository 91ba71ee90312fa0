import type { JsonWebKey, KeyObject } from 'node:crypto';
import { JWS_ALGORITHMS, type JwtAlgorithm } from '../jws/jws-algorithm.js';
import { curvePointProblem } from './curve-points.js';
import { hasRocaFingerprint } from './roca.js';

// The checks every key passes before it signs or verifies anything: a key from the options at start-up, and every key
// of a remote JWKS each time the document is fetched. Both paths call these two functions, so a rule added here holds
// on both. They return a reason instead of throwing: start-up turns it into an InvalidAuthOptionError naming the
// option, the JWKS path into one warning naming the kid. A reason reads after a name ('option "publicKey" <reason>')
// and never quotes key material.

/** What a key is for: `sign` for a private or secret signing key, `verify` for a key that checks signatures. */
export type KeyUse = 'sign' | 'verify';

const MIN_RSA_BITS = 2048;

/**
 * What a JWK says about itself, checked before it is imported (RFC 7517): `alg`, when present, must be `algorithm`
 * (section 4.4); `use`, when present, must be `"sig"` (section 4.2); `key_ops`, when present, must be an array of
 * distinct strings holding the operation the key is for, `"sign"` or `"verify"` (section 4.3); an EC or Ed25519 point
 * must lie on its curve. Returns the first problem, or `undefined`.
 *
 * @example
 * ```ts
 * jwkProblem({ kty: 'RSA', n, e, key_ops: ['encrypt'] }, 'RS256', 'verify');
 * // 'is a JWK whose key_ops (["encrypt"]) do not include "verify" (RFC 7517 section 4.3)'
 * ```
 */
export function jwkProblem(jwk: JsonWebKey, algorithm: JwtAlgorithm, use: KeyUse): string | undefined {
  if (jwk.alg !== undefined && jwk.alg !== algorithm) return `is a JWK for ${shown(jwk.alg)}, not ${algorithm}`;
  if (jwk.use !== undefined && jwk.use !== 'sig') return `is a JWK for use ${JSON.stringify(jwk.use)}, not "sig"`;
  const ops: unknown = jwk.key_ops;
  if (ops !== undefined) {
    if (!Array.isArray(ops) || !ops.every((op) => typeof op === 'string') || new Set(ops).size !== ops.length)
      return 'is a JWK whose key_ops is not an array of distinct strings (RFC 7517 section 4.3)';
    if (!ops.includes(use))
      return `is a JWK whose key_ops (${JSON.stringify(ops)}) do not include "${use}" (RFC 7517 section 4.3)`;
  }
  return curvePointProblem(jwk);
}

/**
 * What the key itself must be for `algorithm` (RFC 7518 sections 3.2 to 3.4, RFC 8037): an HMAC secret at least as
 * long as the hash; the key type the algorithm takes; an EC key on the algorithm's curve; an RSA key of at least 2048
 * bits whose public exponent is odd and at least 3 (with e = 1 a "signature" is the padded digest itself, so anyone can
 * forge one; an even e is no RSA key) and whose modulus lacks the ROCA fingerprint (CVE-2017-15361: its private key
 * can be computed from the public key); an Ed25519 key that is a point of the curve. Returns the first problem, or
 * `undefined`.
 *
 * @example
 * ```ts
 * keyProblem(createPublicKey({ key: { kty: 'RSA', n, e: 'AQ' }, format: 'jwk' }), 'RS256');
 * // 'is an RSA key with public exponent 1: it must be odd and at least 3'
 * ```
 */
export function keyProblem(key: KeyObject, algorithm: JwtAlgorithm): string | undefined {
  const spec = JWS_ALGORITHMS[algorithm];
  if (spec.family === 'hmac') {
    const size = key.symmetricKeySize ?? 0;
    if (key.type !== 'secret') return `must be a secret for ${algorithm}`;
    if (size < spec.bytes!) return `must be at least ${spec.bytes} bytes for ${algorithm} (got ${size})`;
    return undefined;
  }
  const type = key.asymmetricKeyType;
  if (type === undefined || !spec.keyTypes.includes(type))
    return `must be a ${spec.keyTypes.join(' or ')} key for ${algorithm} (got ${type ?? key.type})`;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa') return rsaProblem(key, details.modulusLength ?? 0, details.publicExponent ?? 0n);
  if (spec.namedCurve !== undefined && details.namedCurve !== spec.namedCurve)
    return `must be on curve ${spec.namedCurve} for ${algorithm} (got ${details.namedCurve})`;
  // OpenSSL refuses an EC point off its curve on import, but takes any 32 bytes as an Ed25519 key.
  return type === 'ed25519' ? curvePointProblem(key.export({ format: 'jwk' })) : undefined;
}

function rsaProblem(key: KeyObject, bits: number, exponent: bigint): string | undefined {
  if (bits < MIN_RSA_BITS) return `must be an RSA key of at least ${MIN_RSA_BITS} bits (got ${bits})`;
  if (exponent < 3n || exponent % 2n === 0n)
    return `is an RSA key with public exponent ${exponent}: it must be odd and at least 3`;
  const { n } = key.export({ format: 'jwk' });
  if (n !== undefined && hasRocaFingerprint(BigInt(`0x${Buffer.from(n, 'base64url').toString('hex')}`)))
    return 'is an RSA key with the ROCA fingerprint (CVE-2017-15361): its private key can be computed from the public key';
  return undefined;
}

/** A JWK member as text for a message: strings as they are, anything else as JSON. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
