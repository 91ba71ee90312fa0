import { createHash } from 'node:crypto';

// RFC 7638 section 3.2: the required members of each key type, in lexicographic order.
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key: the hash of its required members only, in
 * lexicographic order, with no whitespace. What a DPoP-bound token's `cnf.jkt` holds (RFC 9449 section 6.1).
 * `undefined` for a key type or a member that is not a string: such a JWK names no key here.
 *
 * @example
 * ```ts
 * jwkThumbprint({ kty: 'EC', crv: 'P-256', x, y }); // '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' (43 characters)
 * ```
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const members = typeof jwk.kty === 'string' ? REQUIRED_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) return undefined;
  const parts: string[] = [];
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') return undefined;
    // JSON.stringify escapes exactly as RFC 7638 asks (RFC 8259 string rules); the values are base64url or names.
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return createHash('sha256')
    .update(`{${parts.join(',')}}`)
    .digest('base64url');
}
