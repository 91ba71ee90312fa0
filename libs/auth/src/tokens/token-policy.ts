import type { AnyTokenType, JwtClaims } from './jwt-claims.interface.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import type { StepUpRequirement } from '../step-up/step-up-requirement.js';

/** What a route or a caller demands of a token beyond validity. */
export interface TokenPolicy {
  /**
   * The only type accepted, or the types accepted (`['access', 'refresh']` for a route that takes either, as
   * Flask-JWT-Extended's `verify_type=False`).
   */
  readonly type: AnyTokenType | readonly AnyTokenType[];
  /** Demand a fresh access token. */
  readonly fresh?: boolean;
  /**
   * A route's `@RequireAuth()`: how recent (`maxAge`) or strong (`acr`) the authentication must be. Checked by the
   * verification pipeline after revocation, never by the verifier alone.
   */
  readonly stepUp?: StepUpRequirement;
  /**
   * A route's `@RequireScopes()`: every scope the token's `scope` / `scp` must grant, else 403 `insufficient_scope`.
   * Undefined on every route without it.
   */
  readonly scopes?: readonly string[];
}

/** `fresh === true`, or a fresh-until epoch second that has not passed. */
export function isFresh(fresh: unknown, nowSeconds: number): boolean {
  return fresh === true || (typeof fresh === 'number' && nowSeconds <= fresh);
}

/**
 * Whether verified claims are fresh right now: `fresh: true`, or a fresh window that has not closed.
 *
 * @example
 * ```ts
 * @Get('protected')
 * whoAmI(@CurrentClaims() claims: JwtClaims) { return { fresh: isFreshToken(claims) }; }
 * ```
 */
export function isFreshToken(claims: Pick<JwtClaims, 'fresh'>, nowSeconds = epochSeconds()): boolean {
  return isFresh(claims.fresh, nowSeconds);
}
