import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { ResolvedAuthOptions } from '../options/resolved-auth-options.js';
import type { JwtClaims, JwtHeader, TokenType, VerifiedToken } from './jwt-claims.interface.js';
import { isFresh, type TokenPolicy } from './token-policy.js';
import { VerifiedTokenCache } from './verified-token.cache.js';
import { epochSeconds as nowSeconds } from '../epoch-seconds.js';

const TOKEN_TYPES: ReadonlySet<unknown> = new Set<TokenType>(['access', 'refresh']);
const MAX_JTI_LENGTH = 256;

/**
 * The one place where tokens are judged. `TokenService.verifyToken` and the passport strategies behind the guards
 * both go through it, so a rule added here holds everywhere. Internal: use `TokenService` or the guards.
 */
@Injectable()
export class TokenVerifier {
  /**
   * Options for `jsonwebtoken.verify`: algorithm pinned by configuration, never by the token header. Time claims are
   * left to {@link checkClaims}, so a cached token and a fresh one are judged by the same code.
   */
  readonly jsonwebtokenOptions: jwt.VerifyOptions & { complete: true };
  private readonly cache: VerifiedTokenCache;

  constructor(@Inject(RESOLVED_AUTH_OPTIONS) private readonly options: ResolvedAuthOptions) {
    this.jsonwebtokenOptions = Object.freeze({
      algorithms: [options.algorithm],
      complete: true as const,
      ignoreExpiration: true,
      ignoreNotBefore: true,
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      ...(options.audience === undefined ? {} : { audience: options.audience as string | [string, ...string[]] }),
    });
    this.cache = new VerifiedTokenCache(options.verifiedTokenCacheSize);
  }

  /** The key the strategies hand to passport-jwt; built once at start-up. */
  get verificationKey() {
    return this.options.verificationKey;
  }

  /**
   * Verifies signature, algorithm, time claims and claim types, then the policy. Throws {@link AuthError}.
   */
  verify(token: string, policy: Partial<TokenPolicy> = {}, allowExpired = false): VerifiedToken {
    this.assertSize(token);
    let verified = this.cache.get(token);
    if (verified === undefined) {
      let decoded: unknown;
      try {
        decoded = jwt.verify(token, this.options.verificationKey, this.jsonwebtokenOptions);
      } catch (error) {
        throw this.toAuthError(error);
      }
      verified = this.checkClaims(decoded, allowExpired);
      this.cache.set(token, verified);
    } else {
      this.assertTimes(verified.claims, allowExpired);
    }
    this.assertPolicy(verified.claims, policy);
    return verified;
  }

  /** Refuses a token before any decoding when it is larger than `maxTokenLength`. */
  assertSize(token: unknown): asserts token is string {
    if (typeof token !== 'string' || token.length === 0) {
      throw AuthError.invalid(AuthErrorCode.InvalidToken, 'Token is empty');
    }
    if (token.length > this.options.maxTokenLength) {
      throw AuthError.invalid(AuthErrorCode.InvalidToken, `Token is larger than ${this.options.maxTokenLength} characters`);
    }
  }

  /**
   * The rules jsonwebtoken does not keep: payload shape, required and well-typed claims, no `iat` in the future.
   * `decoded` is what `jsonwebtoken.verify(..., { complete: true })` returned.
   */
  checkClaims(decoded: unknown, allowExpired = false): VerifiedToken {
    const { header, payload } = (decoded ?? {}) as { header?: unknown; payload?: unknown };
    if (!isPlainObject(header) || !isPlainObject(payload)) {
      throw invalid('Token payload must be a JSON object');
    }
    const claims = payload as Record<string, unknown>;
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw invalid('Token has no valid exp claim');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || !Number.isFinite(claims.nbf))) {
      throw invalid('Token has no valid nbf claim');
    }
    // Expiry first: an expired token is reported as expired, whatever else is wrong with its claims.
    this.assertTimes(claims as JwtClaims, allowExpired);
    if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) throw invalid('Token has no valid iat claim');
    if (claims.iat > nowSeconds() + this.options.leeway) {
      throw AuthError.invalid(AuthErrorCode.TokenNotYetValid, 'Token is not yet valid (iat is in the future)');
    }
    if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > MAX_JTI_LENGTH) {
      throw invalid('Token has no valid jti claim');
    }
    if (claims.type === undefined) throw invalid('Token has no type claim');
    if (!TOKEN_TYPES.has(claims.type)) throw invalid('Token type is not known');
    if (typeof claims.fresh !== 'boolean' && (typeof claims.fresh !== 'number' || !Number.isFinite(claims.fresh))) {
      throw invalid('Token has no valid fresh claim');
    }
    const identity = claims[this.options.identityClaim];
    if (typeof identity !== 'string' || identity.length === 0) {
      throw invalid(`Token has no valid ${this.options.identityClaim} claim`);
    }
    if (claims.sid !== undefined && (typeof claims.sid !== 'string' || claims.sid.length === 0 || claims.sid.length > MAX_JTI_LENGTH)) {
      throw invalid('Token has no valid sid claim');
    }
    if (claims.auth_time !== undefined && (typeof claims.auth_time !== 'number' || !Number.isFinite(claims.auth_time))) {
      throw invalid('Token has no valid auth_time claim');
    }
    if (claims.sub !== undefined && (typeof claims.sub !== 'string' || claims.sub.length === 0)) {
      throw invalid('Token has no valid sub claim');
    }
    return { header: header as JwtHeader, claims: claims as JwtClaims, identity };
  }

  /** `exp` (unless allowed to have passed) and `nbf`, with the configured leeway; re-checked on every cache hit. */
  assertTimes(claims: Pick<JwtClaims, 'exp' | 'nbf'>, allowExpired = false): void {
    const now = nowSeconds();
    if (!allowExpired && now >= claims.exp + this.options.leeway) {
      throw AuthError.invalid(AuthErrorCode.TokenExpired, 'Token has expired');
    }
    if (claims.nbf !== undefined && claims.nbf > now + this.options.leeway) {
      throw AuthError.invalid(AuthErrorCode.TokenNotYetValid, 'Token is not yet valid (nbf is in the future)');
    }
  }

  /** Type, then freshness: an expired token has already been refused, so it wins over a wrong type. */
  assertPolicy(claims: JwtClaims, policy: Partial<TokenPolicy>): void {
    if (policy.type !== undefined && claims.type !== policy.type) {
      throw AuthError.invalid(
        AuthErrorCode.WrongTokenType,
        policy.type === 'refresh' ? 'Only refresh tokens are allowed' : 'Only access tokens are allowed',
      );
    }
    if (policy.fresh && !isFresh(claims.fresh, nowSeconds())) {
      throw new AuthError(AuthErrorCode.FreshTokenRequired, 'Fresh token required', 'insufficient_user_authentication');
    }
  }

  /** Maps whatever jsonwebtoken (or passport-jwt) failed with to an {@link AuthError}; never leaks the raw error. */
  toAuthError(error: unknown): AuthError {
    if (error instanceof AuthError) return error;
    if (error instanceof jwt.TokenExpiredError) return AuthError.invalid(AuthErrorCode.TokenExpired, 'Token has expired');
    if (error instanceof jwt.NotBeforeError) {
      return AuthError.invalid(AuthErrorCode.TokenNotYetValid, 'Token is not yet valid (nbf is in the future)');
    }
    const reason = error instanceof jwt.JsonWebTokenError ? error.message : '';
    return invalid(JSONWEBTOKEN_MESSAGES.find(([prefix]) => reason.startsWith(prefix))?.[1] ?? 'Token is malformed');
  }
}

// jsonwebtoken's messages, reworded; anything else (a TypeError, a JSON SyntaxError) reads as malformed.
const JSONWEBTOKEN_MESSAGES: ReadonlyArray<readonly [string, string]> = [
  ['invalid signature', 'Signature verification failed'],
  ['invalid algorithm', 'The token algorithm is not allowed'],
  ['jwt signature is required', 'The token algorithm is not allowed (the token is unsigned)'],
  ['jwt audience invalid', 'Token audience is not accepted'],
  ['jwt issuer invalid', 'Token issuer is not accepted'],
  ['invalid exp value', 'Token has no valid exp claim'],
  ['invalid nbf value', 'Token has no valid nbf claim'],
  ['invalid iat value', 'Token has no valid iat claim'],
  ['jwt malformed', 'Token is malformed'],
  ['invalid token', 'Token is malformed'],
];

function invalid(message: string): AuthError {
  return AuthError.invalid(AuthErrorCode.InvalidToken, message);
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
