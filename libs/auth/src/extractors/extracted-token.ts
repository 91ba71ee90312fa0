import type { TokenLocation } from '../request/token-location.js';

/**
 * A token found in a request, not yet verified: where it was, and, for a cookie-borne token on a checked method, the
 * CSRF value the request sent beside it.
 */
export interface ExtractedToken {
  /** The compact JWS. */
  readonly token: string;
  /** Where it was found (`@CurrentTokenLocation()` reports it). */
  readonly location: TokenLocation;
  /** The CSRF header or form value, when this token must pass the double-submit check. */
  readonly csrf?: string;
}
