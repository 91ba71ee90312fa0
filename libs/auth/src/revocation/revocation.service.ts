import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { RevocationSettings } from './revocation-settings.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { RevocationStore, type Revocation } from './revocation-store.interface.js';
import { RevocationView } from './revocation-view.js';
import { callStore } from './call-store.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { SecurityEvents } from '../events/security-events.js';

/**
 * Revokes one token, one session (logout) or every token of a user (log out everywhere). Each call resolves once
 * the revocation is stored and this instance enforces it; other instances enforce it when their feed delivers it
 * (about a second at most). A store that cannot be written makes the call reject with 503 `revocation_unavailable`:
 * a logout never pretends to have happened. While the instance knows the store is down, that 503 is at once.
 *
 * The store keeps each revocation until the last token it concerns expires; local views (and the store's recent list
 * they reload from) keep it only for `revocationWindow` seconds, after which the store alone refuses the tokens that
 * can still be alive (refresh tokens).
 *
 * @example
 * ```ts
 * @Post('logout')
 * async logout(@CurrentClaims() claims: JwtClaims) {
 *   await this.revocations.revokeSession(claims.sid!);
 * }
 * ```
 */
@Injectable()
export class RevocationService {
  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: RevocationSettings,
    @Inject(RevocationStore) private readonly store: RevocationStore,
    private readonly view: RevocationView,
    @Optional() private readonly events?: SecurityEvents,
  ) {}

  /**
   * Revokes one token by its `jti`, until its `exp`.
   *
   * @example
   * ```ts
   * await revocations.revokeToken(claims); // claims of the token to revoke: its jti and exp
   * ```
   */
  async revokeToken(claims: Pick<JwtClaims, 'jti' | 'exp'> & Partial<Pick<JwtClaims, 'sid'>>): Promise<void> {
    await this.save({ kind: 'token', id: claims.jti, expiresAt: claims.exp });
    const identity = (claims as Partial<JwtClaims>).sub;
    this.events?.emit({
      type: 'token_revoked',
      tokenId: claims.jti,
      ...(typeof identity === 'string' && { identity }),
      ...(typeof claims.sid === 'string' && { sessionId: claims.sid }),
    });
  }

  /**
   * Ends a session: every access and refresh token of that login, including those minted by refreshes. For tokens
   * minted without a `sid`, the session id is the refresh token's own `jti`.
   *
   * @example
   * ```ts
   * await revocations.revokeSession(claims.sid!);
   * ```
   */
  async revokeSession(sessionId: string): Promise<void> {
    await this.save({ kind: 'session', id: sessionId, expiresAt: this.latestExpiry() });
    this.events?.emit({ type: 'session_revoked', sessionId });
  }

  /**
   * Logs a user out everywhere: every session and every token of theirs issued before this second.
   *
   * @example
   * ```ts
   * await revocations.revokeUser(identity);
   * ```
   */
  async revokeUser(identity: string): Promise<void> {
    await this.save({
      kind: 'user',
      id: identity,
      expiresAt: this.latestExpiry(),
      validAfter: epochSeconds(this.view.now),
    });
    this.events?.emit({ type: 'user_revoked', identity });
  }

  // The last moment a token issued up to now can be valid: its entry is useless after that.
  private latestExpiry(): number {
    return epochSeconds(this.view.now) + this.settings.longestTokenLifetime;
  }

  private async save(revocation: Revocation): Promise<void> {
    const stored = await callStore(
      this.view,
      // Listed as recent for the window, so an instance that reloads within it loads it.
      () => this.store.revoke(revocation, this.settings.revocationWindow),
      this.settings.revocationTimeoutMs,
      'revoke',
      'The revocation could not be stored; nothing was revoked. Try again shortly',
    );
    // Enforced here at once; other instances enforce it when the store's feed delivers it.
    this.view.revoked(stored);
  }
}
