import { randomBytes, sign, verify } from 'node:crypto';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { asymmetricKeyOptions, isJwtAlgorithm, JWS_ALGORITHMS, type JwtAlgorithm } from '../jws/jws-algorithm.js';
import { loadKey } from '../keys/load-key.js';
import type { RemoteKeySetOptions } from '../keys/remote-key-set.js';
import type { SigningKey, VerificationKey } from '../keys/verification-key.interface.js';
import type { TokenSettings } from '../tokens/token-settings.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { wholeNumber } from './option-checks.js';

/** The settings resolved here: the algorithm, and every key built once, at start-up. */
export interface KeySettings extends Pick<TokenSettings, 'signingKey' | 'verificationKeys' | 'jwks'> {
  /** The signing algorithm, and the one the signing key verifies with. */
  readonly algorithm: JwtAlgorithm;
}

/**
 * Resolves `algorithm`, `secret`, `privateKey`, `publicKey`, `kid`, `verificationKeys` and `jwks`: the key material
 * becomes KeyObjects, a key of the wrong kind for the algorithm or a public key that does not match the private one
 * fails at start-up, and a kid may name one key only.
 */
export function resolveKeyOptions(options: AuthModuleOptions): KeySettings {
  const algorithm = options.algorithm ?? 'HS256';
  if (!isJwtAlgorithm(algorithm)) {
    throw new InvalidAuthOptionError(
      'algorithm',
      `must be one of ${Object.keys(JWS_ALGORITHMS).join(', ')} (got ${String(algorithm)})`,
    );
  }
  const kid = optionalKid(options.kid, 'kid');
  const jwks = remoteJwksOf(options.jwks, algorithm);
  const { signingKey, verificationKey } = ownKeys(
    options,
    algorithm,
    kid,
    jwks !== undefined || (options.verificationKeys?.length ?? 0) > 0,
  );
  const verificationKeys = [
    ...(verificationKey ? [verificationKey] : []),
    ...extraVerificationKeys(options.verificationKeys, algorithm),
  ];
  const kids = verificationKeys.map((key) => key.kid);
  const repeated = kids.find((id, index) => id !== undefined && kids.indexOf(id) !== index);
  if (repeated !== undefined)
    throw new InvalidAuthOptionError('verificationKeys', `has the kid "${repeated}" more than once`);
  return { algorithm, signingKey, verificationKeys, jwks };
}

// Keys become KeyObjects here, once: jsonwebtoken re-parsed a string secret on every call (~35x slower).
function ownKeys(options: AuthModuleOptions, algorithm: JwtAlgorithm, kid: string | undefined, hasOtherKeys: boolean) {
  const hmac = JWS_ALGORITHMS[algorithm].family === 'hmac';
  if (hmac) {
    for (const option of ['privateKey', 'publicKey'] as const) {
      if (options[option] !== undefined)
        throw new InvalidAuthOptionError(option, `is for asymmetric algorithms; ${algorithm} takes "secret"`);
    }
    if (options.secret === undefined && hasOtherKeys) return {};
    const key = loadKey(options.secret, algorithm, 'sign', 'secret', kid);
    return { signingKey: { kid, algorithm, key }, verificationKey: { kid, algorithm, key } };
  }
  if (options.secret !== undefined) {
    throw new InvalidAuthOptionError(
      'secret',
      `is for HS algorithms; ${algorithm} takes "privateKey" and/or "publicKey"`,
    );
  }
  if (options.privateKey === undefined && options.publicKey === undefined) {
    if (hasOtherKeys) return {};
    throw new InvalidAuthOptionError(
      'privateKey',
      `is required for ${algorithm} (or "publicKey" alone, to only verify)`,
    );
  }
  const privateKey =
    options.privateKey === undefined ? undefined : loadKey(options.privateKey, algorithm, 'sign', 'privateKey', kid);
  const publicKey = loadKey(
    options.publicKey ?? privateKey,
    algorithm,
    'verify',
    options.publicKey === undefined ? 'privateKey' : 'publicKey',
    kid,
  );
  if (privateKey !== undefined && options.publicKey !== undefined) assertKeyPair(privateKey, publicKey, algorithm);
  return {
    signingKey: privateKey && { kid, algorithm, key: privateKey },
    verificationKey: { kid, algorithm, key: publicKey },
  };
}

// A publicKey that does not match privateKey would make every token we sign unverifiable: stop at start-up instead.
function assertKeyPair(privateKey: SigningKey['key'], publicKey: SigningKey['key'], algorithm: JwtAlgorithm): void {
  const spec = JWS_ALGORITHMS[algorithm];
  const probe = randomBytes(32);
  const signature = sign(spec.hash, probe, asymmetricKeyOptions(spec, privateKey));
  if (!verify(spec.hash, probe, asymmetricKeyOptions(spec, publicKey), signature)) {
    throw new InvalidAuthOptionError('publicKey', 'does not match privateKey');
  }
}

function extraVerificationKeys(entries: unknown, fallback: JwtAlgorithm): VerificationKey[] {
  if (entries === undefined) return [];
  if (!Array.isArray(entries))
    throw new InvalidAuthOptionError('verificationKeys', 'must be an array of { kid, algorithm?, key }');
  return entries.map((entry: unknown, index) => {
    const option = `verificationKeys[${index}]`;
    if (typeof entry !== 'object' || entry === null)
      throw new InvalidAuthOptionError(option, 'must be an object { kid, algorithm?, key }');
    const { kid, algorithm = fallback, key } = entry as Record<string, unknown>;
    if (!isJwtAlgorithm(algorithm))
      throw new InvalidAuthOptionError(
        `${option}.algorithm`,
        `is not a supported algorithm (got ${String(algorithm)})`,
      );
    const id = optionalKid(kid, `${option}.kid`);
    if (id === undefined)
      throw new InvalidAuthOptionError(`${option}.kid`, 'is required: extra keys are picked by kid');
    return { kid: id, algorithm, key: loadKey(key, algorithm, 'verify', `${option}.key`, id) };
  });
}

function remoteJwksOf(value: unknown, algorithm: JwtAlgorithm): RemoteKeySetOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null)
    throw new InvalidAuthOptionError('jwks', 'must be an object { uri, algorithms?, ... }');
  const jwks = value as Record<string, unknown>;
  let url: URL;
  try {
    url = new URL(String(jwks.uri));
  } catch {
    throw new InvalidAuthOptionError('jwks.uri', 'must be an absolute https:// or http:// URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InvalidAuthOptionError('jwks.uri', 'must be an absolute https:// or http:// URL');
  const algorithms = jwks.algorithms ?? [algorithm];
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every(isJwtAlgorithm)) {
    throw new InvalidAuthOptionError('jwks.algorithms', 'must be a non-empty array of supported algorithms');
  }
  const hmac = algorithms.find((name) => JWS_ALGORITHMS[name].family === 'hmac');
  if (hmac !== undefined)
    throw new InvalidAuthOptionError(
      'jwks.algorithms',
      `must not contain ${hmac}: a JWKS publishes public keys, never secrets`,
    );
  return {
    uri: url.href,
    algorithms,
    cacheMaxAgeMs: wholeNumber(jwks.cacheMaxAgeMs ?? 600_000, 'jwks.cacheMaxAgeMs', 0),
    cooldownMs: wholeNumber(jwks.cooldownMs ?? 30_000, 'jwks.cooldownMs', 0),
    timeoutMs: wholeNumber(jwks.timeoutMs ?? 5000, 'jwks.timeoutMs', 1),
  };
}

function optionalKid(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
    throw new InvalidAuthOptionError(option, 'must be a non-empty string of at most 256 characters');
  }
  return value;
}
