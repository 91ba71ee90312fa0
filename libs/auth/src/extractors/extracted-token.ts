import type { TokenLocation } from '../request/token-location.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';

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
  /**
   * What the verified-token cache held for this exact token when it was found: the verified token, or `null` for none.
   * Absent when the finder did not look (verification looks then). Carried so that a request looks the cache up once.
   */
  readonly verified?: VerifiedToken | null;
  /** True when the header carried the token with the `DPoP` scheme (RFC 9449 section 7.1), not the configured one. */
  readonly dpop?: boolean;
}
