import type { SessionTokenType } from './dpop-binding.js';

/**
 * What `SessionService` returns. The demo answers `{ access_token, refresh_token }` from it.
 *
 * @example
 * ```ts
 * const { accessToken, refreshToken } = await sessions.start('alice');
 * ```
 */
export interface TokenPair {
  accessToken: string;
  /** Always present after `start`; after `refresh`, only when rotation is on. */
  refreshToken?: string;
  /** The `sid` of the session the tokens belong to. */
  sessionId: string;
  /** `DPoP` when the tokens are bound to a DPoP key (send them as `Authorization: DPoP`), else `Bearer`. */
  tokenType: SessionTokenType;
}
