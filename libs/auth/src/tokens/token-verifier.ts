import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError, invalidToken, toAuthError } from '../errors/auth-error.js';
import { decodeCompactJws, verifyJwsSignature, type DecodedJws } from '../jws/compact-jws.js';
import { assertHeaderUnderstood } from '../jws/jose-header.js';
import { JWS_ALGORITHMS } from '../jws/jws-algorithm.js';
import { KeySet } from '../keys/key-set.js';
import { RemoteKeySet } from '../keys/remote-key-set.js';
import type { VerificationKey } from '../keys/verification-key.interface.js';
import type { TokenSettings } from './token-settings.js';
import type { VerifiedToken } from './jwt-claims.interface.js';
import type { TokenPolicy } from './token-policy.js';
import { VerifiedTokenCache } from './verified-token.cache.js';
import { assertTokenSize } from './token-size.js';
import { assertPolicy, assertTimes, claimRulesOf, validateClaimsSet, type ClaimRules } from './claims-validation.js';
import { AuthClock, nowOf } from '../util/auth-clock.js';
import { epochSeconds } from '../util/epoch-seconds.js';

/** Distinct headers remembered: an app signs with a handful (one per kid), and only verified tokens add to it. */
const MAX_KNOWN_HEADERS = 32;

/**
 * The one place where tokens are judged. The guards, the passport strategies and `TokenService.verifyToken` all go
 * through it, so a rule added here holds everywhere. Internal: use `TokenService` or the guards.
 *
 * The order: size, then (on a cache miss) strict decoding, header rules, the key picked by configuration (the
 * header's `alg` must be the one that key is pinned to), the signature, issuer and audience, then the claims (those
 * checks are the plain functions of `claims-validation.ts`).
 */
@Injectable()
export class TokenVerifier {
  /** The keys tokens are verified with; built once at start-up. */
  readonly keys: KeySet;
  private readonly cache: VerifiedTokenCache;
  private readonly claimRules: ClaimRules;
  // Headers of verified tokens, frozen: most tokens share one, so it is decoded and checked once.
  private readonly knownHeaders = new Map<string, Record<string, unknown>>();
  /** The clock (ms) time claims are judged by, and tokens minted with: `Date.now` itself unless one is provided. */
  readonly now: () => number;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: TokenSettings,
    // Shared with the header extractor, which looks a token up once for both (a spec may leave it out).
    @Optional() cache?: VerifiedTokenCache,
    @Optional() @Inject(AuthClock) clock?: AuthClock,
  ) {
    this.keys = new KeySet(settings.verificationKeys, settings.jwks && new RemoteKeySet(settings.jwks));
    this.now = nowOf(clock);
    this.cache = cache ?? new VerifiedTokenCache(settings.verifiedTokenCacheSize, undefined, undefined, this.now);
    this.claimRules = claimRulesOf(settings);
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
      const now = epochSeconds(this.now);
      assertTimes(cached.claims, this.settings.leeway, allowExpired, now);
      assertPolicy(cached.claims, policy, now);
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
    const now = epochSeconds(this.now);
    const verified = validateClaimsSet(jws.header, jws.payload, this.claimRules, allowExpired, now);
    this.cache.set(token, verified, this.onClock(key.trustedUntilMs));
    if (this.knownHeaders.size < MAX_KNOWN_HEADERS) this.knownHeaders.set(jws.headerSegment, Object.freeze(jws.header));
    assertPolicy(verified.claims, policy, now);
    return verified;
  }

  // A remote key's trust is counted in real time from its fetch; the cache reads the injected clock, so the time left
  // is carried over to it (the same value when no clock is provided).
  private onClock(trustedUntilMs: number | undefined): number | undefined {
    return trustedUntilMs === undefined || this.now === Date.now
      ? trustedUntilMs
      : trustedUntilMs - Date.now() + this.now();
  }

  /** Whether this exact token was verified and is still remembered: it is well formed (its claims may have lapsed since). */
  isVerified(token: string): boolean {
    return this.cache.get(token) !== undefined;
  }

  /** Refuses a token before any decoding when it is larger than `maxTokenLength`. */
  assertSize(token: unknown): asserts token is string {
    assertTokenSize(token, this.settings.maxTokenLength);
  }

  /** Any failure as an {@link AuthError}; what is not one already reads as a malformed token, never a raw error. */
  toAuthError(error: unknown): AuthError {
    return toAuthError(error);
  }
}
