import type { AnyTokenType, JwtClaims } from './jwt-claims.interface.js';
import { epochSeconds } from '../util/epoch-seconds.js';

/** What a route or a caller demands of a token beyond validity. */
export interface TokenPolicy {
  /**
   * The only type accepted, or the types accepted (`['access', 'refresh']` for a route that takes either, as
   * Flask-JWT-Extended's `verify_type=False`).
   */
  readonly type: AnyTokenType | readonly AnyTokenType[];
  /** Demand a fresh access token. */
  readonly fresh?: boolean;
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
