import type { RevocationStore } from '../revocation/revocation-store.interface.js';
import type { JwtClaims, JwtHeader } from '../tokens/jwt-claims.interface.js';
import type { TokenRequest } from '../request/token-request.js';
import type { TokenLifetime } from '../tokens/token-lifetime.js';

/**
 * Where revocations and sessions live and how they are checked: the store, its timeouts, failing open or closed,
 * `isTokenRevoked`, refresh-token rotation and the session's lifetime. Part of `AuthModuleOptions` (which extends
 * this interface).
 *
 * @example
 * ```ts
 * const sessions: SessionOptions = { rotateRefreshTokens: true, refreshTokenGracePeriod: '10s', sessionMaxAge: '30d' };
 * AuthModule.forRoot({ secret, ...sessions });
 * ```
 */
export interface SessionOptions {
  /** Where revocations and rotation state live. Default: a `MemoryRevocationStore` (one process only). */
  revocationStore?: RevocationStore;
  /**
   * Longest wait, in milliseconds, for the revocation store: a guarded request waits at most this long for a lost
   * feed to come back before answering 503 `revocation_unavailable`. Default 1000.
   */
  revocationTimeoutMs?: number;
  /** Serve requests from the last known revocations while the store is unreachable, instead of refusing. Default false. */
  revocationFailOpen?: boolean;
  /**
   * How long, after its revocation feed drops, an instance keeps answering guarded requests from the revocations it
   * last held (seconds, or a duration string such as `'30s'`); past it, 503 `revocation_unavailable` at once (or the
   * last view still, with `revocationFailOpen`). A complete reload resets the clock. `0`: no stale answers, a guarded
   * request waits up to `revocationTimeoutMs` for the feed instead. At most 3600. Default 30.
   */
  revocationMaxStaleness?: number | string;
  /**
   * Your own check, after the built-in ones (Flask-JWT-Extended's `token_in_blocklist_loader`). `request` is the
   * request the token came with, on every transport; `undefined` where a token is judged outside a request.
   *
   * @example
   * ```ts
   * isTokenRevoked: (claims, _header, request) => denied.has(claims.jti) || blockedIps.has(request?.ip ?? ''),
   * ```
   */
  isTokenRevoked?: (claims: JwtClaims, header: JwtHeader, request?: TokenRequest) => boolean | Promise<boolean>;
  /** Each refresh also returns a new refresh token and consumes the one presented. Default false. */
  rotateRefreshTokens?: boolean;
  /** With rotation: how long the immediately previous refresh token may still be presented (seconds or '30s'). Default 0. */
  refreshTokenGracePeriod?: number | string;
  /** Absolute session lifetime, counted from login: rotation never extends a session past it. Default: the refresh token lifetime. */
  sessionMaxAge?: TokenLifetime;
  /**
   * `SessionService.refresh` copies the refresh token's own claims (those set through `additionalClaims` at login,
   * such as `roles`) into the tokens it mints, so they survive a refresh. `false` mints refreshed tokens with the
   * library's claims only. Default true.
   */
  carryClaimsOnRefresh?: boolean;
}
