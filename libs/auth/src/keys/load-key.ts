import { createPrivateKey, createPublicKey, createSecretKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { JWS_ALGORITHMS, type JwtAlgorithm } from '../jws/jws-algorithm.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';

const MIN_RSA_BITS = 2048;
const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

/**
 * Builds the `KeyObject` for `algorithm` from `input` and checks it fits: an HMAC secret of at least the hash size,
 * an RSA key of at least 2048 bits, an EC key on the algorithm's curve, an Ed25519 key for EdDSA. A key that cannot be
 * parsed stops the app; an asymmetric key is never taken as an HMAC secret (algorithm confusion), nor the reverse.
 * Errors name `option` and never quote the key.
 */
export function loadKey(input: unknown, algorithm: JwtAlgorithm, use: 'sign' | 'verify', option: string): KeyObject {
  const spec = JWS_ALGORITHMS[algorithm];
  if (input === undefined || input === null || input === '' || (Buffer.isBuffer(input) && input.length === 0)) {
    throw new InvalidAuthOptionError(option, 'is required');
  }
  const key =
    spec.family === 'hmac' ? secretKeyOf(input, algorithm, option) : asymmetricKeyOf(input, algorithm, use, option);
  assertKeyFits(key, algorithm, option);
  return key;
}

function secretKeyOf(input: unknown, algorithm: JwtAlgorithm, option: string): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type !== 'secret')
      throw new InvalidAuthOptionError(option, `must be a secret key for an HMAC algorithm (got a ${input.type} key)`);
    return input;
  }
  if (isJwk(input)) {
    assertJwkFits(input, algorithm, option);
    if (input.kty !== 'oct' || typeof input.k !== 'string')
      throw new InvalidAuthOptionError(option, 'must be an "oct" JWK for an HMAC algorithm');
    return createSecretKey(Buffer.from(input.k, 'base64url'));
  }
  if (typeof input !== 'string' && !Buffer.isBuffer(input))
    throw new InvalidAuthOptionError(option, 'must be a string or a Buffer');
  // The classic confusion: a public key pasted where a secret belongs would let anyone who has it sign tokens.
  if (looksLikeKey(input)) {
    throw new InvalidAuthOptionError(
      option,
      'looks like a PEM, DER or JWK key, not an HMAC secret: asymmetric keys go in privateKey / publicKey with an RS, PS, ES or EdDSA algorithm',
    );
  }
  return createSecretKey(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
}

function looksLikeKey(input: string | Buffer): boolean {
  const text = input.toString('utf8');
  if (PEM.test(text) || /"kty"\s*:/.test(text)) return true;
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      if (isJwk(JSON.parse(trimmed))) return true; // also {"k\u0074y": ...}
    } catch {
      // Not JSON: an ordinary secret that happens to start with a brace.
    }
  }
  if (!Buffer.isBuffer(input)) return false;
  // DER: an SPKI or PKCS#1 public key, or a private key, as raw bytes.
  const attempts = [
    () => createPublicKey({ key: input, format: 'der', type: 'spki' }),
    () => createPublicKey({ key: input, format: 'der', type: 'pkcs1' }),
    () => createPrivateKey({ key: input, format: 'der', type: 'pkcs8' }),
  ];
  return attempts.some((attempt) => {
    try {
      attempt();
      return true;
    } catch {
      return false;
    }
  });
}

function asymmetricKeyOf(input: unknown, algorithm: JwtAlgorithm, use: 'sign' | 'verify', option: string): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type === 'secret')
      throw new InvalidAuthOptionError(option, 'must be an asymmetric key (got a secret key)');
    if (use === 'sign' && input.type !== 'private') throw new InvalidAuthOptionError(option, 'must be a private key');
    return use === 'verify' && input.type === 'private' ? createPublicKey(input) : input;
  }
  const material = materialOf(input, option);
  if (typeof material === 'object' && !Buffer.isBuffer(material)) assertJwkFits(material.key, algorithm, option);
  try {
    if (use === 'sign') return createPrivateKey(material);
    // A private key or a certificate also yields the public key.
    return createPublicKey(material);
  } catch {
    throw new InvalidAuthOptionError(
      option,
      `is not a valid ${use === 'sign' ? 'private' : 'public'} key (PEM, JWK or a file holding one)`,
    );
  }
}

/** PEM text, a JWK, or a file path holding either: what `createPublicKey` / `createPrivateKey` take. */
function materialOf(input: unknown, option: string): string | Buffer | { key: JsonWebKey; format: 'jwk' } {
  if (isJwk(input)) return { key: input, format: 'jwk' };
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) {
    throw new InvalidAuthOptionError(option, 'must be PEM text, a file path, a JWK or a KeyObject');
  }
  const text = input.toString('utf8');
  if (PEM.test(text)) return input;
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const jwk: unknown = JSON.parse(trimmed);
      if (isJwk(jwk)) return { key: jwk, format: 'jwk' };
    } catch {
      // Not JSON: fall through to the error below.
    }
    throw new InvalidAuthOptionError(option, 'is not a valid JWK');
  }
  if (typeof input === 'string' && !trimmed.includes('\n') && existsSync(trimmed)) {
    let contents: Buffer;
    try {
      contents = readFileSync(trimmed);
    } catch {
      throw new InvalidAuthOptionError(option, 'names a file that cannot be read');
    }
    return materialOf(contents, option);
  }
  throw new InvalidAuthOptionError(option, 'is neither PEM text, a JWK, nor the path of a readable file');
}

// A JWK that states its algorithm or use must agree with the configuration (RFC 7517 sections 4.2 and 4.4).
function assertJwkFits(jwk: JsonWebKey, algorithm: JwtAlgorithm, option: string): void {
  if (jwk.alg !== undefined && jwk.alg !== algorithm)
    throw new InvalidAuthOptionError(option, `is a JWK for ${shown(jwk.alg)}, not ${algorithm}`);
  if (jwk.use !== undefined && jwk.use !== 'sig')
    throw new InvalidAuthOptionError(option, `is a JWK for use "${shown(jwk.use)}", not "sig"`);
}

function isJwk(value: unknown): value is JsonWebKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Buffer.isBuffer(value) &&
    !(value instanceof KeyObject) &&
    typeof (value as JsonWebKey).kty === 'string'
  );
}

/** Key type, size and curve for `algorithm` (RFC 7518 sections 3.2, 3.3, 3.4; RFC 8037). */
export function assertKeyFits(key: KeyObject, algorithm: JwtAlgorithm, option: string): void {
  const spec = JWS_ALGORITHMS[algorithm];
  if (spec.family === 'hmac') {
    const size = key.symmetricKeySize ?? 0;
    if (key.type !== 'secret') throw new InvalidAuthOptionError(option, `must be a secret for ${algorithm}`);
    if (size < spec.bytes!)
      throw new InvalidAuthOptionError(option, `must be at least ${spec.bytes} bytes for ${algorithm} (got ${size})`);
    return;
  }
  const type = key.asymmetricKeyType;
  if (type === undefined || !spec.keyTypes.includes(type)) {
    throw new InvalidAuthOptionError(
      option,
      `must be a ${spec.keyTypes.join(' or ')} key for ${algorithm} (got ${type ?? key.type})`,
    );
  }
  const details = key.asymmetricKeyDetails ?? {};
  if ((type === 'rsa' || type === 'rsa-pss') && (details.modulusLength ?? 0) < MIN_RSA_BITS) {
    throw new InvalidAuthOptionError(
      option,
      `must be an RSA key of at least ${MIN_RSA_BITS} bits (got ${details.modulusLength})`,
    );
  }
  if (spec.namedCurve !== undefined && details.namedCurve !== spec.namedCurve) {
    throw new InvalidAuthOptionError(
      option,
      `must be on curve ${spec.namedCurve} for ${algorithm} (got ${details.namedCurve})`,
    );
  }
}

/** A JWK member as text for a message: strings as they are, anything else as JSON. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
