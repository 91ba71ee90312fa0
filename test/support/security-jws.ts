import { constants, createHmac, type KeyObject, sign } from 'node:crypto';

/** Every algorithm the library knows (RFC 7518 section 3, RFC 8037). */
export const ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

const HASH: Record<Algorithm, string | null> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};

/** An HMAC secret (any bytes, including a public key's text) or an asymmetric private key. */
export type SigningMaterial = KeyObject | Buffer | string;

/** A segment's bytes: an object or array is JSON-encoded, a string or Buffer is taken as the exact bytes. */
export type SegmentContent = string | Buffer | object;

const bytesOf = (content: SegmentContent): Buffer =>
  Buffer.isBuffer(content) ? content : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content));

/** base64url of a segment's bytes, canonical and unpadded. */
export const encodeSegment = (content: SegmentContent): string => bytesOf(content).toString('base64url');

/**
 * The JWS signature of `signingInput` with `algorithm`, made by hand with node:crypto, whatever the header says.
 * `dsaEncoding: 'der'` makes an ECDSA signature in DER instead of the raw r || s JWS requires.
 */
export function signature(
  algorithm: Algorithm,
  signingInput: string,
  key: SigningMaterial,
  { dsaEncoding = 'ieee-p1363' }: { dsaEncoding?: 'ieee-p1363' | 'der' } = {},
): Buffer {
  const hash = HASH[algorithm];
  const data = Buffer.from(signingInput);
  if (algorithm.startsWith('HS')) return createHmac(hash!, key).update(data).digest();
  if (typeof key === 'string' || Buffer.isBuffer(key)) throw new TypeError(`${algorithm} needs a private KeyObject`);
  if (algorithm.startsWith('PS'))
    return sign(hash, data, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  if (algorithm.startsWith('ES')) return sign(hash, data, { key, dsaEncoding });
  return sign(hash, data, key);
}

/**
 * A compact JWS from raw parts: the header and payload as objects (JSON-encoded) or exact bytes, signed over exactly
 * the segments sent. `signAs` is the algorithm actually used to sign (default: the header's `alg`), so a token can
 * claim one algorithm and be signed with another.
 */
export function jws(
  header: SegmentContent,
  payload: SegmentContent,
  key: SigningMaterial,
  { signAs, dsaEncoding }: { signAs?: Algorithm; dsaEncoding?: 'ieee-p1363' | 'der' } = {},
): string {
  return signSegments(encodeSegment(header), encodeSegment(payload), key, {
    signAs: signAs ?? (header as { alg?: Algorithm }).alg,
    dsaEncoding,
  });
}

/** Signs two already-encoded segments as they are (padding, base64 alphabet and all): the signature itself is right. */
export function signSegments(
  headerSegment: string,
  payloadSegment: string,
  key: SigningMaterial,
  { signAs, dsaEncoding }: { signAs?: Algorithm; dsaEncoding?: 'ieee-p1363' | 'der' },
): string {
  if (signAs === undefined) throw new TypeError('signSegments: which algorithm signs?');
  const signingInput = `${headerSegment}.${payloadSegment}`;
  return `${signingInput}.${signature(signAs, signingInput, key, { dsaEncoding }).toString('base64url')}`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same bytes under another base64url spelling: the unused low bits of the last character set (RFC 4648 section
 * 3.5). Lenient decoders (Node's Buffer, jose, fast-jwt) read it as the canonical string. Needs a segment whose
 * length is 2 or 3 modulo 4.
 */
export function nonCanonical(segment: string): string {
  const rest = segment.length % 4;
  if (rest !== 2 && rest !== 3) throw new TypeError(`no unused bits in a segment of ${segment.length} characters`);
  const value = ALPHABET.indexOf(segment[segment.length - 1]!);
  return segment.slice(0, -1) + ALPHABET[value | 1];
}

/** The segment with `=` padding to a multiple of 4 (needs a segment that is not one already). */
export function padded(segment: string): string {
  if (segment.length % 4 === 0) throw new TypeError('segment needs no padding');
  return segment + '='.repeat(4 - (segment.length % 4));
}

/** The segment in the base64 alphabet (`+` and `/` for `-` and `_`). */
export const toBase64Alphabet = (segment: string): string => segment.replace(/-/g, '+').replace(/_/g, '/');

/** Every casing of a word: none, nonE, ..., NONE (16 for a 4-letter word). */
export function casings(word: string): string[] {
  let out = [''];
  for (const c of word) out = out.flatMap((prefix) => [prefix + c.toLowerCase(), prefix + c.toUpperCase()]);
  return [...new Set(out)];
}
