import type { RevocationSettings } from '../revocation/revocation-settings.js';
import type { TokenSettings } from '../tokens/token-settings.js';

/**
 * The resolved settings that `SessionService` reads: its own (rotation, grace period, absolute session age), plus
 * the few token and revocation settings it needs to date a session and to bound its calls to the store. Declared
 * here, beside the code that reads them, so that `sessions/` depends on no more than it uses and `options/` (which
 * composes every feature's settings) depends on `sessions/`, never the other way round.
 */
export interface SessionSettings
  extends
    Pick<TokenSettings, 'refreshTokenTtl' | 'identityClaim'>,
    Pick<RevocationSettings, 'longestTokenLifetime' | 'revocationWindow' | 'revocationTimeoutMs'> {
  /** Each refresh also returns a new refresh token and consumes the one presented. */
  readonly rotateRefreshTokens: boolean;
  /** With rotation: how long the immediately previous refresh token may still be presented, in milliseconds. */
  readonly refreshTokenGraceMs: number;
  /** Seconds from login after which no token of the session is valid; false for no limit. */
  readonly sessionMaxAge: number | false;
  /** Whether a refresh copies the refresh token's own (non-reserved) claims into the tokens it mints. */
  readonly carryClaimsOnRefresh: boolean;
  /** Seconds before expiry within which a guard renews a cookie-borne access token; false: implicit refresh off. */
  readonly implicitRefreshWithin: number | false;
}
