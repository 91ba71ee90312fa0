import { constants, type KeyObject } from 'node:crypto';

/** Every algorithm the library signs and verifies with (RFC 7518 section 3, RFC 8037 for EdDSA). */
export type JwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/** How one algorithm signs, and which keys it takes. */
export interface JwsAlgorithmSpec {
  readonly family: 'hmac' | 'rsa' | 'rsa-pss' | 'ec' | 'eddsa';
  /** Node's digest name; `null` for EdDSA, which hashes internally. */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** The `asymmetricKeyType`s that fit (none for HMAC, which takes a secret key). */
  readonly keyTypes: readonly string[];
  /** The curve an EC key must be on. */
  readonly namedCurve?: string;
  /** Bytes of an HMAC secret (RFC 7518 section 3.2) or of an ECDSA / EdDSA signature. */
  readonly bytes?: number;
}

export const JWS_ALGORITHMS: Readonly<Record<JwtAlgorithm, JwsAlgorithmSpec>> = Object.freeze({
  HS256: { family: 'hmac', hash: 'sha256', keyTypes: [], bytes: 32 },
  HS384: { family: 'hmac', hash: 'sha384', keyTypes: [], bytes: 48 },
  HS512: { family: 'hmac', hash: 'sha512', keyTypes: [], bytes: 64 },
  RS256: { family: 'rsa', hash: 'sha256', keyTypes: ['rsa'] },
  RS384: { family: 'rsa', hash: 'sha384', keyTypes: ['rsa'] },
  RS512: { family: 'rsa', hash: 'sha512', keyTypes: ['rsa'] },
  // Plain RSA keys only: an "RSA-PSS" key may be restricted to another hash, and cannot be published as a JWK.
  PS256: { family: 'rsa-pss', hash: 'sha256', keyTypes: ['rsa'] },
  PS384: { family: 'rsa-pss', hash: 'sha384', keyTypes: ['rsa'] },
  PS512: { family: 'rsa-pss', hash: 'sha512', keyTypes: ['rsa'] },
  ES256: { family: 'ec', hash: 'sha256', keyTypes: ['ec'], namedCurve: 'prime256v1', bytes: 64 },
  ES384: { family: 'ec', hash: 'sha384', keyTypes: ['ec'], namedCurve: 'secp384r1', bytes: 96 },
  ES512: { family: 'ec', hash: 'sha512', keyTypes: ['ec'], namedCurve: 'secp521r1', bytes: 132 },
  EdDSA: { family: 'eddsa', hash: null, keyTypes: ['ed25519'], bytes: 64 },
});

/** Whether `name` is one of {@link JwtAlgorithm}, by exact, case-sensitive match (so `none`, `NONE`, `hs256` are not). */
export function isJwtAlgorithm(name: unknown): name is JwtAlgorithm {
  return typeof name === 'string' && Object.hasOwn(JWS_ALGORITHMS, name);
}

/** Options for `crypto.sign` / `crypto.verify` with an asymmetric key: PSS padding, raw (r || s) ECDSA signatures. */
export function asymmetricKeyOptions(spec: JwsAlgorithmSpec, key: KeyObject) {
  if (spec.family === 'rsa-pss') {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  }
  if (spec.family === 'ec') return { key, dsaEncoding: 'ieee-p1363' as const };
  return { key };
}
