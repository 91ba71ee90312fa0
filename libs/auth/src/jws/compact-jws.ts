import {
  createHmac,
  sign as signAsymmetric,
  timingSafeEqual,
  verify as verifyAsymmetric,
  type KeyObject,
} from 'node:crypto';
import { invalidToken } from '../errors/auth-error.js';
import { asymmetricKeyOptions, type JwsAlgorithmSpec } from './jws-algorithm.js';
import { parseStrictJsonObject, StrictJsonError } from './strict-json.js';

/** A compact JWS split and decoded, its signature not yet checked. */
export interface DecodedJws {
  /** The header's base64url segment, as sent. */
  readonly headerSegment: string;
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** `<header>.<payload>`, the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BASE64URL = /^[A-Za-z0-9_-]*$/;
// Value of each base64url character, to check that the bits past the last byte are zero (RFC 4648 section 3.5).
const SEXTET = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].map((c, i) => [c, i]));

/**
 * Splits a compact JWS (RFC 7515 section 7.1) and decodes it strictly: three segments of canonical, unpadded
 * base64url; header and payload valid UTF-8 holding an I-JSON object (RFC 7493: no lone surrogate, no number that
 * overflows a double), with no duplicate or prototype-touching keys.
 * Everything else is refused with `invalid_token`; nothing here trusts the header yet. `knownHeaders` holds header
 * segments already decoded and checked (those of verified tokens), so they are not decoded again.
 */
export function decodeCompactJws(
  token: string,
  knownHeaders?: ReadonlyMap<string, Record<string, unknown>>,
): DecodedJws {
  const { headerSegment, payloadSegment, signatureSegment } = split(token);
  return {
    headerSegment,
    header: knownHeaders?.get(headerSegment) ?? decodeJson(headerSegment, 'header'),
    payload: decodeJson(payloadSegment, 'payload'),
    signingInput: `${headerSegment}.${payloadSegment}`,
    signature: decodeSegment(signatureSegment),
  };
}

/**
 * {@link decodeCompactJws} for a JWS whose payload need not be a JWT claims set (RFC 7515 signs any octets): the same
 * strict decoding of header and signature, the payload segment canonical base64url, left as bytes. What public JWS
 * test vectors (Wycheproof, RFC 7520), whose payloads are mostly not JSON, are checked with.
 */
export function decodeCompactJwsBytes(token: string): Omit<DecodedJws, 'payload'> & { readonly payload: Buffer } {
  const { headerSegment, payloadSegment, signatureSegment } = split(token);
  return {
    headerSegment,
    header: decodeJson(headerSegment, 'header'),
    payload: decodeSegment(payloadSegment),
    signingInput: `${headerSegment}.${payloadSegment}`,
    signature: decodeSegment(signatureSegment),
  };
}

/** The three segments of a compact JWS: exactly two dots, and a header that is not empty. */
function split(token: string): { headerSegment: string; payloadSegment: string; signatureSegment: string } {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second === -1 || token.indexOf('.', second + 1) !== -1) throw invalidToken('Token is malformed');
  return {
    headerSegment: token.slice(0, first),
    payloadSegment: token.slice(first + 1, second),
    signatureSegment: token.slice(second + 1),
  };
}

/** Signs `header` and `payload` into a compact JWS. */
export function encodeCompactJws(header: object, payload: object, spec: JwsAlgorithmSpec, key: KeyObject): string {
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature =
    spec.family === 'hmac'
      ? createHmac(spec.hash!, key).update(signingInput).digest()
      : signAsymmetric(spec.hash, Buffer.from(signingInput), asymmetricKeyOptions(spec, key));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Checks a signature with the key the verifier's configuration picked; constant time for HMAC. */
export function verifyJwsSignature(
  jws: Pick<DecodedJws, 'signingInput' | 'signature'>,
  spec: JwsAlgorithmSpec,
  key: KeyObject,
): boolean {
  if (spec.family === 'hmac') {
    const expected = createHmac(spec.hash!, key).update(jws.signingInput).digest();
    return expected.length === jws.signature.length && timingSafeEqual(expected, jws.signature);
  }
  // ECDSA and EdDSA signatures have one exact length; anything else is not a signature of this algorithm.
  if (spec.bytes !== undefined && jws.signature.length !== spec.bytes) return false;
  return verifyAsymmetric(spec.hash, Buffer.from(jws.signingInput), asymmetricKeyOptions(spec, key), jws.signature);
}

function decodeSegment(segment: string): Buffer {
  if (!BASE64URL.test(segment)) {
    // Padding or the base64 (not base64url) alphabet: readable by a lenient decoder, so worth naming.
    throw invalidToken(
      /^[A-Za-z0-9_\-+/]*=*$/.test(segment) ? 'Token is not canonical base64url' : 'Token is malformed',
    );
  }
  if (segment.length % 4 === 1) throw invalidToken('Token is malformed');
  if (!hasZeroTrailingBits(segment)) throw invalidToken('Token is not canonical base64url');
  return Buffer.from(segment, 'base64url');
}

// With 4n+2 or 4n+3 characters, the unused low bits of the last character must be zero, or several strings would
// decode to the same bytes (a malleable token).
function hasZeroTrailingBits(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  const last = SEXTET.get(segment[segment.length - 1]!)!;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

function decodeJson(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  const bytes = decodeSegment(segment);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw invalidToken(`Token ${part} is not valid UTF-8`);
  }
  try {
    return parseStrictJsonObject(text);
  } catch (error) {
    const fault = error instanceof StrictJsonError ? error.fault : 'syntax';
    if (fault === 'duplicate-key') throw invalidToken(`Token ${part} has a duplicate key`);
    if (fault === 'forbidden-key')
      throw invalidToken(`Token ${part} has a forbidden key (__proto__, constructor or prototype)`);
    // I-JSON (RFC 7493 section 2.1 and 2.2): what other parsers would read differently, replace or refuse.
    if (fault === 'lone-surrogate') throw invalidToken(`Token ${part} has a lone UTF-16 surrogate (not I-JSON)`);
    if (fault === 'number-out-of-range')
      throw invalidToken(`Token ${part} has a number beyond the range of a double (not I-JSON)`);
    throw invalidToken(`Token ${part} must be a JSON object`);
  }
}
