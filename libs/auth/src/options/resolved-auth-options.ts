import { randomBytes, sign, verify } from 'node:crypto';
import ms from 'ms';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { asymmetricKeyOptions, isJwtAlgorithm, JWS_ALGORITHMS, type JwtAlgorithm } from '../jws/jws-algorithm.js';
import { loadKey } from '../keys/load-key.js';
import type { RemoteKeySetOptions } from '../keys/remote-key-set.js';
import type { SigningKey, VerificationKey } from '../keys/verification-key.interface.js';
import { RESERVED_CLAIMS } from '../tokens/reserved-claims.js';
import { assertLifetimesPlausible, toLifetimeSeconds } from '../tokens/token-lifetime.js';
import type { TokenSettings } from '../tokens/token-settings.js';
import type { RevocationSettings } from '../revocation/revocation-settings.js';
import type { RevocationStore } from '../revocation/revocation-store.interface.js';
import type { ExtractionSettings } from '../extractors/extraction-settings.js';
import type { SessionSettings } from '../sessions/session-settings.js';
import type { ErrorSettings } from '../errors/error-settings.js';
import { flaskJwtExtendedErrorFormat, type AuthErrorFormatter } from '../errors/auth-error-format.js';
import type { EventSettings } from '../events/event-settings.js';
import type { GuardSettings } from '../guards/guard-settings.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { assertKnownOptions } from './known-options.js';
import { resolveBrowserOptions } from './browser-options.js';

/**
 * Options after validation: keys built once, durations in seconds, defaults filled in. What the module provides under
 * `RESOLVED_AUTH_OPTIONS`: every feature's settings composed, so that each service can take just the settings its own
 * folder declares while one object, resolved once, serves them all.
 */
export interface ResolvedAuthOptions
  extends
    TokenSettings,
    RevocationSettings,
    SessionSettings,
    ExtractionSettings,
    ErrorSettings,
    EventSettings,
    GuardSettings {
  /** The signing algorithm, and the one the signing key verifies with. */
  readonly algorithm: JwtAlgorithm;
  /** Undefined here: the module provides the default store. */
  readonly revocationStore?: RevocationStore;
}

/** Seconds added to the revocation window for instances whose clocks disagree. */
export const REVOCATION_CLOCK_MARGIN = 60;

/** What a `revocationStore` must implement (`close` is optional). */
const STORE_METHODS = [
  'revoke',
  'listRecent',
  'isRevoked',
  'subscribe',
  'registerSession',
  'touchSession',
  'listSessions',
  'rotateRefreshToken',
] as const;

/** Clock skew tolerated, in seconds: more than five minutes is a broken clock, and would stretch every token's life. */
const MAX_LEEWAY = 300;

/** Validates the user's options once, at start-up, and builds the key objects. */
export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidAuthOptionError('options', 'must be an object');
  }
  assertKnownOptions(options);
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

  const identityClaim = options.identityClaim ?? 'sub';
  if (typeof identityClaim !== 'string' || identityClaim.length === 0) {
    throw new InvalidAuthOptionError('identityClaim', 'must be a non-empty string');
  }
  if (identityClaim !== 'sub' && RESERVED_CLAIMS.has(identityClaim)) {
    throw new InvalidAuthOptionError('identityClaim', `must not be the reserved claim "${identityClaim}"`);
  }

  const headerName = options.headerName ?? 'Authorization';
  if (typeof headerName !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(headerName)) {
    throw new InvalidAuthOptionError('headerName', 'must be a valid HTTP header name');
  }
  const headerScheme = options.headerScheme ?? 'Bearer';
  if (typeof headerScheme !== 'string' || /\s/.test(headerScheme)) {
    throw new InvalidAuthOptionError('headerScheme', 'must be a single word such as "Bearer", or "" for a bare token');
  }

  const accessTokenTtl = toLifetimeSeconds(options.accessTokenExpiresIn ?? 15 * 60, 'accessTokenExpiresIn');
  const refreshTokenTtl = toLifetimeSeconds(
    options.refreshTokenExpiresIn ?? 30 * 24 * 60 * 60,
    'refreshTokenExpiresIn',
  );
  assertLifetimesPlausible(accessTokenTtl, refreshTokenTtl);
  const sessionMaxAge =
    options.sessionMaxAge === undefined ? refreshTokenTtl : toLifetimeSeconds(options.sessionMaxAge, 'sessionMaxAge');
  const store = options.revocationStore;
  if (store !== undefined) {
    const missing =
      typeof store !== 'object' || store === null
        ? STORE_METHODS
        : STORE_METHODS.filter((method) => typeof store[method] !== 'function');
    if (missing.length > 0) {
      throw new InvalidAuthOptionError(
        'revocationStore',
        `must implement RevocationStore (${STORE_METHODS.join(', ')}); missing: ${missing.join(', ')}`,
      );
    }
  }
  if (options.isTokenRevoked !== undefined && typeof options.isTokenRevoked !== 'function') {
    throw new InvalidAuthOptionError(
      'isTokenRevoked',
      'must be a function (claims, header) => boolean | Promise<boolean>',
    );
  }

  const leeway = wholeNumber(options.leeway ?? 0, 'leeway', 0, MAX_LEEWAY);
  const longestTokenLifetime = Math.max(
    ...[accessTokenTtl, refreshTokenTtl, sessionMaxAge].filter((ttl): ttl is number => ttl !== false),
    // Tokens without exp are refused by our verifier; 30 days bounds what such settings could leave behind.
    30 * 24 * 60 * 60,
  );
  const accessWindow = accessTokenTtl === false ? longestTokenLifetime : accessTokenTtl;
  const browser = resolveBrowserOptions(options, accessTokenTtl);

  for (const option of [
    'additionalClaims',
    'additionalHeaders',
    'identityOf',
    'loadUser',
    'verifyClaims',
    'onEvent',
  ] as const) {
    if (options[option] !== undefined && typeof options[option] !== 'function') {
      throw new InvalidAuthOptionError(option, 'must be a function');
    }
  }

  return {
    algorithm,
    signingKey,
    verificationKeys,
    jwks,
    accessTokenTtl,
    refreshTokenTtl,
    identityClaim,
    issuer: optionalString(options.issuer, 'issuer'),
    audience: audienceOf(options.audience),
    leeway,
    headerName,
    headerScheme,
    ...browser,
    maxTokenLength: wholeNumber(options.maxTokenLength ?? 8192, 'maxTokenLength', 64),
    verifiedTokenCacheSize: wholeNumber(options.verifiedTokenCacheSize ?? 10_000, 'verifiedTokenCacheSize', 0),
    revocationStore: store,
    revocationTimeoutMs: wholeNumber(options.revocationTimeoutMs ?? 1000, 'revocationTimeoutMs', 1),
    revocationFailOpen: booleanOption(options.revocationFailOpen ?? false, 'revocationFailOpen'),
    revocationMaxStalenessMs: stalenessMs(options.revocationMaxStaleness ?? 30),
    isTokenRevoked: options.isTokenRevoked,
    rotateRefreshTokens: booleanOption(options.rotateRefreshTokens ?? false, 'rotateRefreshTokens'),
    refreshTokenGraceMs: graceMs(options.refreshTokenGracePeriod ?? 0),
    sessionMaxAge,
    carryClaimsOnRefresh: booleanOption(options.carryClaimsOnRefresh ?? true, 'carryClaimsOnRefresh'),
    tokenTypes: tokenTypesOf(options.tokenTypes),
    claimsLoader: options.additionalClaims,
    headersLoader: options.additionalHeaders,
    identityOf: options.identityOf as ((user: unknown) => string) | undefined,
    loadUser: options.loadUser,
    verifyClaims: options.verifyClaims,
    onEvent: options.onEvent,
    errorFormatter: errorFormatterOf(options.errorFormat, headerName, identityClaim),
    longestTokenLifetime,
    accessWindow,
    revocationWindow: accessWindow + leeway + REVOCATION_CLOCK_MARGIN,
  };
}

/** `access`, `refresh` and the application's own types, each a plain name. */
function tokenTypesOf(types: unknown): ReadonlySet<string> {
  if (types === undefined) return new Set(['access', 'refresh']);
  if (!Array.isArray(types)) throw new InvalidAuthOptionError('tokenTypes', 'must be an array of type names');
  for (const type of types) {
    if (typeof type !== 'string' || !/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/.test(type)) {
      throw new InvalidAuthOptionError(
        'tokenTypes',
        `has an invalid type name ${JSON.stringify(type)} (a word of at most 64 characters)`,
      );
    }
    if (type === 'access' || type === 'refresh') {
      throw new InvalidAuthOptionError('tokenTypes', `lists "${type}", which is built in; list only your own types`);
    }
  }
  return new Set(['access', 'refresh', ...(types as string[])]);
}

/** The `errorFormat` as a function; undefined for the default (Nest answers the error as it is). */
function errorFormatterOf(format: unknown, headerName: string, identityClaim: string): AuthErrorFormatter | undefined {
  if (format === undefined || format === 'default') return undefined;
  if (format === 'flask-jwt-extended') return flaskJwtExtendedErrorFormat({ headerName, identityClaim });
  if (typeof format === 'function') return format as AuthErrorFormatter;
  throw new InvalidAuthOptionError(
    'errorFormat',
    `must be 'default', 'flask-jwt-extended' or a function (error) => { status, body } (got ${JSON.stringify(format)})`,
  );
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
    const key = loadKey(options.secret, algorithm, 'sign', 'secret');
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
    options.privateKey === undefined ? undefined : loadKey(options.privateKey, algorithm, 'sign', 'privateKey');
  const publicKey = loadKey(
    options.publicKey ?? privateKey,
    algorithm,
    'verify',
    options.publicKey === undefined ? 'privateKey' : 'publicKey',
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
    return { kid: id, algorithm, key: loadKey(key, algorithm, 'verify', `${option}.key`) };
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

function optionalString(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidAuthOptionError(option, 'must be a non-empty string');
  return value;
}

function audienceOf(value: unknown): string | string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'string' && a.length > 0))
    return [...value];
  throw new InvalidAuthOptionError('audience', 'must be a non-empty string or a non-empty array of non-empty strings');
}

function wholeNumber(value: unknown, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidAuthOptionError(option, `must be a whole number ${range} (got ${String(value)})`);
  }
  return value;
}

function booleanOption(value: unknown, option: string): boolean {
  if (typeof value !== 'boolean')
    throw new InvalidAuthOptionError(option, `must be true or false (got ${String(value)})`);
  return value;
}

/** The longest `revocationMaxStaleness`: beyond an hour, what is meant is `revocationFailOpen`. */
const MAX_STALENESS_SECONDS = 3600;

/** `revocationMaxStaleness` in milliseconds: seconds (fractions allowed) or a duration string with a unit. */
function stalenessMs(value: unknown): number {
  const option = 'revocationMaxStaleness';
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    if (/^\s*\d+(\.\d+)?\s*$/.test(value))
      throw new InvalidAuthOptionError(
        option,
        `has no unit ("${value}"): pass a number of seconds or a string such as "30s"`,
      );
    const millis = ms(value as ms.StringValue);
    if (typeof millis !== 'number' || Number.isNaN(millis))
      throw new InvalidAuthOptionError(option, `is not a duration ("${value}"); use seconds or a string such as "30s"`);
    seconds = millis / 1000;
  } else {
    throw new InvalidAuthOptionError(option, 'must be a number of seconds or a duration string such as "30s"');
  }
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_STALENESS_SECONDS) {
    throw new InvalidAuthOptionError(
      option,
      `must be from 0 to ${MAX_STALENESS_SECONDS} seconds (got ${String(value)}): it is in seconds, not milliseconds; ` +
        'to serve from the last view for longer, set revocationFailOpen',
    );
  }
  return Math.round(seconds * 1000);
}

function graceMs(value: number | string): number {
  if (value === 0 || value === '0') return 0;
  const seconds = toLifetimeSeconds(value, 'refreshTokenGracePeriod');
  return seconds === false ? 0 : seconds * 1000;
}
