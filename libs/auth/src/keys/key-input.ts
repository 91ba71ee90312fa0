import type { JsonWebKey, KeyObject } from 'node:crypto';

/**
 * Where a key comes from: PEM text (SPKI, PKCS#8, PKCS#1, SEC1 or an X.509 certificate), the path of a PEM or JWK
 * file, a JWK (object or JSON text), or a `KeyObject`. Turned into a `KeyObject` once, at start-up.
 *
 * @example
 * ```ts
 * const fromText: KeyInput = process.env.JWT_PUBLIC_KEY!;      // '-----BEGIN PUBLIC KEY-----\n...'
 * const fromFile: KeyInput = '/run/secrets/jwt-private.pem';
 * const fromJwk: KeyInput = { kty: 'OKP', crv: 'Ed25519', x: '...' };
 * ```
 */
export type KeyInput = string | Buffer | JsonWebKey | KeyObject;
