import { createSecretKey, type KeyObject } from 'node:crypto';
import type { AuthModuleOptions, HmacAlgorithm } from './auth-module-options.interface.js';
import type { RevocationStore } from '../revocation/revocation-store.interface.js';
import type { JwtClaims, JwtHeader } from '../tokens/jwt-claims.interface.js';
import { InvalidAuthOptionError } from './invalid-auth-option.error.js';
import { toLifetimeSeconds } from './token-lifetime.js';

/** Options after validation: keys built once, durations in seconds, defaults filled in. */
export interface ResolvedAuthOptions {
  readonly algorithm: HmacAlgorithm;
  readonly signingKey: KeyObject;
  readonly verificationKey: KeyObject;
  readonly accessTokenTtl: number | false;
  readonly refreshTokenTtl: number | false;
  readonly identityClaim: string;
  readonly issuer?: string;
  readonly audience?: string | string[];
  readonly leeway: number;
  readonly headerName: string;
  readonly headerScheme: string;
  readonly maxTokenLength: number;
  readonly verifiedTokenCacheSize: number;
  /** Undefined here: the module provides the default store. */
  readonly revocationStore?: RevocationStore;
  readonly revocationTimeoutMs: number;
  readonly revocationFailOpen: boolean;
  readonly isTokenRevoked?: (claims: JwtClaims, header: JwtHeader) => boolean | Promise<boolean>;
  readonly rotateRefreshTokens: boolean;
  readonly refreshTokenGraceMs: number;
  /** Seconds from login after which no token of the session is valid; false for no limit. */
  readonly sessionMaxAge: number | false;
  /** The longest any token of ours can stay valid, in seconds: how long a revocation must be kept. */
  readonly longestTokenLifetime: number;
}

const HMAC_MIN_BYTES: Record<HmacAlgorithm, number> = { HS256: 32, HS384: 48, HS512: 64 };

/** Claims the library writes itself; the identity claim may not take one of these names (except `sub`). */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set(['sub', 'iat', 'nbf', 'exp', 'jti', 'type', 'fresh', 'iss', 'aud', 'sid', 'auth_time']);

/** Validates the user's options once, at start-up, and builds the key objects. */
export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidAuthOptionError('options', 'must be an object');
  }
  const algorithm = options.algorithm ?? 'HS256';
  if (!Object.hasOwn(HMAC_MIN_BYTES, algorithm)) {
    throw new InvalidAuthOptionError('algorithm', `must be one of ${Object.keys(HMAC_MIN_BYTES).join(', ')} (got ${String(algorithm)})`);
  }
  const key = buildHmacKey(options.secret, algorithm);

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
  const refreshTokenTtl = toLifetimeSeconds(options.refreshTokenExpiresIn ?? 30 * 24 * 60 * 60, 'refreshTokenExpiresIn');
  const sessionMaxAge = options.sessionMaxAge === undefined ? refreshTokenTtl : toLifetimeSeconds(options.sessionMaxAge, 'sessionMaxAge');
  const store = options.revocationStore;
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.revoke !== 'function' || typeof store.list !== 'function')) {
    throw new InvalidAuthOptionError('revocationStore', 'must implement RevocationStore (revoke, list, subscribe, registerSession, rotateRefreshToken)');
  }
  if (options.isTokenRevoked !== undefined && typeof options.isTokenRevoked !== 'function') {
    throw new InvalidAuthOptionError('isTokenRevoked', 'must be a function (claims, header) => boolean | Promise<boolean>');
  }

  return {
    algorithm,
    signingKey: key,
    verificationKey: key,
    accessTokenTtl,
    refreshTokenTtl,
    identityClaim,
    issuer: optionalString(options.issuer, 'issuer'),
    audience: audienceOf(options.audience),
    leeway: wholeNumber(options.leeway ?? 0, 'leeway', 0),
    headerName,
    headerScheme,
    maxTokenLength: wholeNumber(options.maxTokenLength ?? 8192, 'maxTokenLength', 64),
    verifiedTokenCacheSize: wholeNumber(options.verifiedTokenCacheSize ?? 10_000, 'verifiedTokenCacheSize', 0),
    revocationStore: store,
    revocationTimeoutMs: wholeNumber(options.revocationTimeoutMs ?? 1000, 'revocationTimeoutMs', 1),
    revocationFailOpen: booleanOption(options.revocationFailOpen ?? false, 'revocationFailOpen'),
    isTokenRevoked: options.isTokenRevoked,
    rotateRefreshTokens: booleanOption(options.rotateRefreshTokens ?? false, 'rotateRefreshTokens'),
    refreshTokenGraceMs: graceMs(options.refreshTokenGracePeriod ?? 0),
    sessionMaxAge,
    longestTokenLifetime: Math.max(
      ...[accessTokenTtl, refreshTokenTtl, sessionMaxAge].filter((ttl): ttl is number => ttl !== false),
      // Tokens without exp are refused by our verifier; 30 days bounds what such settings could leave behind.
      30 * 24 * 60 * 60,
    ),
  };
}

// jsonwebtoken re-parses a string secret as a PEM on every call (~35x slower); a KeyObject built once avoids that.
function buildHmacKey(secret: unknown, algorithm: HmacAlgorithm): KeyObject {
  if (secret === undefined || secret === null || secret === '') {
    throw new InvalidAuthOptionError('secret', 'is required');
  }
  if (typeof secret !== 'string' && !Buffer.isBuffer(secret)) {
    throw new InvalidAuthOptionError('secret', 'must be a string or a Buffer');
  }
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const min = HMAC_MIN_BYTES[algorithm];
  if (bytes.length < min) {
    throw new InvalidAuthOptionError('secret', `must be at least ${min} bytes for ${algorithm} (got ${bytes.length})`);
  }
  return createSecretKey(bytes);
}

function optionalString(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new InvalidAuthOptionError(option, 'must be a non-empty string');
  return value;
}

function audienceOf(value: unknown): string | string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'string' && a.length > 0)) return [...value];
  throw new InvalidAuthOptionError('audience', 'must be a non-empty string or a non-empty array of non-empty strings');
}

function wholeNumber(value: unknown, option: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidAuthOptionError(option, `must be a whole number >= ${min} (got ${String(value)})`);
  }
  return value;
}

function booleanOption(value: unknown, option: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidAuthOptionError(option, `must be true or false (got ${String(value)})`);
  return value;
}

function graceMs(value: number | string): number {
  if (value === 0 || value === '0') return 0;
  const seconds = toLifetimeSeconds(value, 'refreshTokenGracePeriod');
  return seconds === false ? 0 : seconds * 1000;
}
