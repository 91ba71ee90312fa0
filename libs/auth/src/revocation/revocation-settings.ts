import type { TokenRequest } from '../request/token-request.js';
import type { JwtClaims, JwtHeader } from '../tokens/jwt-claims.interface.js';

/**
 * The resolved settings that revocation reads (`RevocationView` and `RevocationService`): durations in seconds or
 * milliseconds, windows computed once. Declared here, beside the code that reads them, so that `revocation/` depends
 * on no more than it uses and `options/` (which composes every feature's settings and computes these windows)
 * depends on `revocation/`, never the other way round.
 */
export interface RevocationSettings {
  /** The longest any token of ours can stay valid, in seconds: how long a revocation must be kept. */
  readonly longestTokenLifetime: number;
  /**
   * Tokens living longer than this many seconds (`exp - iat`) can outlive the local view's window: refresh tokens,
   * long-lived or foreign access tokens. They are checked in the store as well. The access-token lifetime, or
   * {@link longestTokenLifetime} when access tokens do not expire.
   */
  readonly accessWindow: number;
  /**
   * Seconds a revocation stays in each instance's local view (and in the store's recent list): the access window,
   * plus `leeway`, plus a 60-second margin for clocks of instances that disagree. After that, no access token issued
   * before the revocation can still be valid, so only the store needs to remember it.
   */
  readonly revocationWindow: number;
  /** Longest wait for the revocation store (or the `isTokenRevoked` callback), in milliseconds. */
  readonly revocationTimeoutMs: number;
  /** Serve requests from the last known revocations while the store is unreachable, instead of refusing. */
  readonly revocationFailOpen: boolean;
  /**
   * Milliseconds, after the feed drops, during which guards answer from the last view; 0 for none (they wait up to
   * {@link revocationTimeoutMs} for the feed instead).
   */
  readonly revocationMaxStalenessMs: number;
  /**
   * The application's own check, asked after the built-in ones; `request` is the request the token came with
   * (`undefined` outside one).
   */
  readonly isTokenRevoked?: (
    claims: JwtClaims,
    header: JwtHeader,
    request?: TokenRequest,
  ) => boolean | Promise<boolean>;
}
