import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError, invalidToken, toAuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { decodeCompactJws, verifyJwsSignature, type DecodedJws } from '../jws/compact-jws.js';
import { assertHeaderUnderstood } from '../jws/jose-header.js';
import { JWS_ALGORITHMS } from '../jws/jws-algorithm.js';
import { KeySet } from '../keys/key-set.js';
import { RemoteKeySet } from '../keys/remote-key-set.js';
import type { VerificationKey } from '../keys/verification-key.interface.js';
import type { TokenSettings } from './token-settings.js';
import type { AnyTokenType, JwtClaims, JwtHeader, VerifiedToken } from './jwt-claims.interface.js';
import { isFresh, type TokenPolicy } from './token-policy.js';
import { VerifiedTokenCache } from './verified-token.cache.js';
import { hasControlCharacters } from './control-characters.js';
import { assertTokenSize } from './token-size.js';
import { epochSeconds } from '../util/epoch-seconds.js';

const MAX_JTI_LENGTH = 256;
/** Distinct headers remembered: an app signs with a handful (one per kid), and only verified tokens add to it. */
const MAX_KNOWN_HEADERS = 32;
/**
 * RFC 7493 section 2.2: beyond 2^53 - 1 in magnitude an integer is not exact in every parser (2^53 + 1 reads as 2^53
 * here, as something else in a parser with 64-bit integers), and a time claim is compared with the clock.
 */
const MAX_TIME_CLAIM = Number.MAX_SAFE_INTEGER;

/**
 * The one place where tokens are judged. The guards, the passport strategies and `TokenService.verifyToken` all go
 * through it, so a rule added here holds everywhere. Internal: use `TokenService` or the guards.
 *
 * The order: size, then (on a cache miss) strict decoding, header rules, the key picked by configuration (the
 * header's `alg` must be the one that key is pinned to), the signature, issuer and audience, then the claims.
 */
@Injectable()
export class TokenVerifier {
  /** The keys tokens are verified with; built once at start-up. */
  readonly keys: KeySet;
  private readonly cache: VerifiedTokenCache;
  private readonly audiences?: ReadonlySet<string>;
  // Headers of verified tokens, frozen: most tokens share one, so it is decoded and checked once.
  private readonly knownHeaders = new Map<string, Record<string, unknown>>();

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: TokenSettings,
    // Shared with the header extractor, which looks a token up once for both (a spec may leave it out).
    @Optional() cache?: VerifiedTokenCache,
  ) {
    this.keys = new KeySet(settings.verificationKeys, settings.jwks && new RemoteKeySet(settings.jwks));
    this.cache = cache ?? new VerifiedTokenCache(settings.verifiedTokenCacheSize);
    if (settings.audience !== undefined) this.audiences = new Set([settings.audience].flat());
  }

  /**
   * Verifies signature, algorithm, time claims and claim types, then the policy. Throws (or, when a remote JWKS must
   * be asked, rejects with) {@link AuthError}.
   */
  verify(
    token: string,
    policy: Partial<TokenPolicy> = {},
    allowExpired = false,
  ): VerifiedToken | Promise<VerifiedToken> {
    this.assertSize(token);
    return this.verifyLookedUp(token, this.cache.get(token) ?? null, policy, allowExpired);
  }

  /**
   * {@link verify} for a token whose cache lookup was already made where it was found (the header extractor's, carried
   * in `ExtractedToken.verified`): `cached` is what the lookup found, `null` for a miss. One lookup per request.
   */
  verifyLookedUp(
    token: string,
    cached: VerifiedToken | null,
    policy: Partial<TokenPolicy> = {},
    allowExpired = false,
  ): VerifiedToken | Promise<VerifiedToken> {
    if (cached !== null) {
      this.assertTimes(cached.claims, allowExpired);
      this.assertPolicy(cached.claims, policy);
      return cached;
    }
    const jws = decodeCompactJws(token, this.knownHeaders);
    assertHeaderUnderstood(jws.header);
    const key = this.keys.find(jws.header);
    if (key instanceof Promise) return key.then((found) => this.verifyWith(found, token, jws, policy, allowExpired));
    return this.verifyWith(key, token, jws, policy, allowExpired);
  }

  private verifyWith(
    key: VerificationKey,
    token: string,
    jws: DecodedJws,
    policy: Partial<TokenPolicy>,
    allowExpired: boolean,
  ): VerifiedToken {
    if (!verifyJwsSignature(jws, JWS_ALGORITHMS[key.algorithm], key.key))
      throw invalidToken('Signature verification failed');
    const verified = this.checkClaims(jws.header, jws.payload, allowExpired);
    this.cache.set(token, verified, key.trustedUntilMs);
    if (this.knownHeaders.size < MAX_KNOWN_HEADERS) this.knownHeaders.set(jws.headerSegment, Object.freeze(jws.header));
    this.assertPolicy(verified.claims, policy);
    return verified;
  }

  /** Whether this exact token was verified and is still remembered: it is well formed (its claims may have lapsed since). */
  isVerified(token: string): boolean {
    return this.cache.get(token) !== undefined;
  }

  /** Refuses a token before any decoding when it is larger than `maxTokenLength`. */
  assertSize(token: unknown): asserts token is string {
    assertTokenSize(token, this.settings.maxTokenLength);
  }

  /** Issuer and audience when configured, then required and well-typed claims, no `iat` in the future. */
  private checkClaims(
    header: Record<string, unknown>,
    claims: Record<string, unknown>,
    allowExpired: boolean,
  ): VerifiedToken {
    if (this.settings.issuer !== undefined && claims.iss !== this.settings.issuer)
      throw invalidToken('Token issuer is not accepted');
    if (this.audiences !== undefined && !this.hasAcceptedAudience(claims.aud))
      throw invalidToken('Token audience is not accepted');
    assertTimeClaim(claims.exp, 'exp');
    if (claims.nbf !== undefined) assertTimeClaim(claims.nbf, 'nbf');
    // Expiry first: an expired token is reported as expired, whatever else is wrong with its claims.
    this.assertTimes(claims as JwtClaims, allowExpired);
    assertTimeClaim(claims.iat, 'iat');
    if (claims.iat > epochSeconds() + this.settings.leeway) {
      throw AuthError.invalid(AuthErrorCode.TokenNotYetValid, 'Token is not yet valid (iat is in the future)');
    }
    if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > MAX_JTI_LENGTH) {
      throw invalidToken('Token has no valid jti claim');
    }
    if (claims.type === undefined) throw invalidToken('Token has no type claim');
    if (!this.settings.tokenTypes.has(claims.type as string)) throw invalidToken('Token type is not known');
    if (typeof claims.fresh !== 'boolean') assertTimeClaim(claims.fresh, 'fresh');
    const identity = claims[this.settings.identityClaim];
    if (typeof identity !== 'string' || identity.length === 0) {
      throw invalidToken(`Token has no valid ${this.settings.identityClaim} claim`);
    }
    if (hasControlCharacters(identity)) {
      throw invalidToken(`Token ${this.settings.identityClaim} claim has control characters`);
    }
    if (
      claims.sid !== undefined &&
      (typeof claims.sid !== 'string' || claims.sid.length === 0 || claims.sid.length > MAX_JTI_LENGTH)
    ) {
      throw invalidToken('Token has no valid sid claim');
    }
    if (claims.auth_time !== undefined) assertTimeClaim(claims.auth_time, 'auth_time');
    if (claims.sub !== undefined && (typeof claims.sub !== 'string' || claims.sub.length === 0)) {
      throw invalidToken('Token has no valid sub claim');
    }
    if (typeof claims.sub === 'string' && claims.sub !== identity && hasControlCharacters(claims.sub)) {
      throw invalidToken('Token sub claim has control characters');
    }
    return { header: header as JwtHeader, claims: claims as JwtClaims, identity };
  }

  // A missing aud is refused when one is configured (RFC 7519 section 4.1.3); a token must name one we accept.
  private hasAcceptedAudience(aud: unknown): boolean {
    if (typeof aud === 'string') return this.audiences!.has(aud);
    return (
      Array.isArray(aud) &&
      aud.length > 0 &&
      aud.every((entry) => typeof entry === 'string') &&
      aud.some((entry) => this.audiences!.has(entry))
    );
  }

  /** `exp` (unless allowed to have passed) and `nbf`, with the configured leeway; re-checked on every cache hit. */
  assertTimes(claims: Pick<JwtClaims, 'exp' | 'nbf'>, allowExpired = false): void {
    const now = epochSeconds();
    if (!allowExpired && now >= claims.exp + this.settings.leeway) {
      // The claims go with the error (never to the client by default): an errorFormat may want them, as Flask's
      // expired_token_loader gets them.
      throw AuthError.invalid(AuthErrorCode.TokenExpired, 'Token has expired').about({ claims });
    }
    if (claims.nbf !== undefined && claims.nbf > now + this.settings.leeway) {
      throw AuthError.invalid(AuthErrorCode.TokenNotYetValid, 'Token is not yet valid (nbf is in the future)');
    }
  }

  /** Type, then freshness: an expired token has already been refused, so it wins over a wrong type. */
  assertPolicy(claims: JwtClaims, policy: Partial<TokenPolicy>): void {
    // A list of types is looked at only when the single-type comparison fails: the common case costs what it did.
    if (policy.type !== undefined && claims.type !== policy.type && !acceptsType(policy.type, claims.type)) {
      throw AuthError.invalid(AuthErrorCode.WrongTokenType, wrongTypeMessage(policy.type)).about({ claims });
    }
    if (policy.fresh && !isFresh(claims.fresh, epochSeconds())) {
      throw new AuthError(
        AuthErrorCode.FreshTokenRequired,
        'Fresh token required',
        'insufficient_user_authentication',
      ).about({ claims });
    }
  }

  /** Any failure as an {@link AuthError}; what is not one already reads as a malformed token, never a raw error. */
  toAuthError(error: unknown): AuthError {
    return toAuthError(error);
  }
}

function acceptsType(accepted: AnyTokenType | readonly AnyTokenType[], type: AnyTokenType): boolean {
  return typeof accepted !== 'string' && accepted.includes(type);
}

function wrongTypeMessage(accepted: AnyTokenType | readonly AnyTokenType[]): string {
  const types = typeof accepted === 'string' ? accepted : accepted.join(' or ');
  return `Only ${types} tokens are allowed`;
}

/**
 * A NumericDate (or a numeric `fresh`): a finite number within 2^53 - 1 of zero (I-JSON, RFC 7493 section 2.2).
 * Infinity never gets here (the strict JSON decoding refuses it), but the check does not rely on that.
 */
function assertTimeClaim(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidToken(`Token has no valid ${name} claim`);
  if (value > MAX_TIME_CLAIM || value < -MAX_TIME_CLAIM) {
    throw invalidToken(`Token ${name} claim is out of range (beyond 2^53 - 1, not I-JSON)`);
  }
}
