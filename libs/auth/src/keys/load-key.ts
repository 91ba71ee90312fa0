import { createPrivateKey, createPublicKey, createSecretKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { JWS_ALGORITHMS, type JwtAlgorithm } from '../jws/jws-algorithm.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { jwkProblem, keyProblem, type KeyUse } from './key-checks.js';

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

/**
 * Builds the `KeyObject` for `algorithm` from `input` and runs the key checks of `key-checks.ts` on it (those a
 * remote JWKS key passes too): an HMAC secret of at least the hash size; an RSA key of at least 2048 bits, with an odd
 * public exponent of at least 3 and without the ROCA fingerprint; an EC key on the algorithm's curve; an Ed25519 key
 * for EdDSA; a JWK's `alg`, `use` and `key_ops` allowing `use`. A key that cannot be parsed stops the app; an
 * asymmetric key is never taken as an HMAC secret (algorithm confusion), nor the reverse. Errors name `option` and
 * `kid` (when there is one) and never quote the key.
 */
export function loadKey(input: unknown, algorithm: JwtAlgorithm, use: KeyUse, option: string, kid?: string): KeyObject {
  const spec = JWS_ALGORITHMS[algorithm];
  if (input === undefined || input === null || input === '' || (Buffer.isBuffer(input) && input.length === 0)) {
    throw new InvalidAuthOptionError(option, 'is required');
  }
  // The kid ends the reason, so that one line of the start-up error says which configured key is at fault.
  const fail = (reason: string): never => {
    throw new InvalidAuthOptionError(option, kid === undefined ? reason : `${reason} (kid "${kid}")`);
  };
  const key =
    spec.family === 'hmac' ? secretKeyOf(input, algorithm, use, fail) : asymmetricKeyOf(input, algorithm, use, fail);
  const problem = keyProblem(key, algorithm);
  if (problem !== undefined) fail(problem);
  return key;
}

/** Throws the start-up error for one configured key; the reason follows the option's name. */
type Fail = (reason: string) => never;

function secretKeyOf(input: unknown, algorithm: JwtAlgorithm, use: KeyUse, fail: Fail): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type !== 'secret') fail(`must be a secret key for an HMAC algorithm (got a ${input.type} key)`);
    return input;
  }
  if (isJwk(input)) {
    // An HMAC secret both signs and verifies: its key_ops must allow the use it is configured for.
    const problem = jwkProblem(input, algorithm, use);
    if (problem !== undefined) fail(problem);
    if (input.kty !== 'oct' || typeof input.k !== 'string') fail('must be an "oct" JWK for an HMAC algorithm');
    return createSecretKey(Buffer.from(input.k, 'base64url'));
  }
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) return fail('must be a string or a Buffer');
  // The classic confusion: a public key pasted where a secret belongs would let anyone who has it sign tokens.
  if (looksLikeKey(input)) {
    fail(
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

function asymmetricKeyOf(input: unknown, algorithm: JwtAlgorithm, use: KeyUse, fail: Fail): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type === 'secret') fail('must be an asymmetric key (got a secret key)');
    if (use === 'sign' && input.type !== 'private') fail('must be a private key');
    return use === 'verify' && input.type === 'private' ? createPublicKey(input) : input;
  }
  const material = materialOf(input, fail);
  if (typeof material === 'object' && !Buffer.isBuffer(material)) {
    // Before the import: Node refuses a point off its curve with a message that says nothing of the curve.
    const problem = jwkProblem(material.key, algorithm, use);
    if (problem !== undefined) fail(problem);
  }
  try {
    if (use === 'sign') return createPrivateKey(material);
    // A private key or a certificate also yields the public key.
    return createPublicKey(material);
  } catch {
    return fail(`is not a valid ${use === 'sign' ? 'private' : 'public'} key (PEM, JWK or a file holding one)`);
  }
}

/** PEM text, a JWK, or a file path holding either: what `createPublicKey` / `createPrivateKey` take. */
function materialOf(input: unknown, fail: Fail): string | Buffer | { key: JsonWebKey; format: 'jwk' } {
  if (isJwk(input)) return { key: input, format: 'jwk' };
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) {
    return fail('must be PEM text, a file path, a JWK or a KeyObject');
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
    return fail('is not a valid JWK');
  }
  if (typeof input === 'string' && !trimmed.includes('\n') && existsSync(trimmed)) {
    let contents: Buffer;
    try {
      contents = readFileSync(trimmed);
    } catch {
      return fail('names a file that cannot be read');
    }
    return materialOf(contents, fail);
  }
  return fail('is neither PEM text, a JWK, nor the path of a readable file');
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
