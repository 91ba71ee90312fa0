import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { SecurityEvents } from '../events/security-events.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { callStore } from '../revocation/call-store.js';
import { RevocationStore } from '../revocation/revocation-store.interface.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { sessionIdOf } from '../revocation/token-session.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { TokenService } from '../tokens/token.service.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { AuthClock, nowOf } from '../util/auth-clock.js';
import { boundKeyOf, tokenTypeOf } from './dpop-binding.js';
import { SessionService } from './session.service.js';
import type { SessionSettings } from './session-settings.js';
import type { TokenPair } from './token-pair.interface.js';

/**
 * Options of `StepUpService.stepUp`: the authentication the user has just performed.
 *
 * @example
 * ```ts
 * const options: StepUpOptions = { acr: 'mfa', amr: ['pwd', 'otp'] };
 * ```
 */
export interface StepUpOptions {
  /** The new `acr` (`'mfa'`); left out, the new tokens carry none. */
  acr?: string;
  /** The new `amr` (`['pwd', 'otp']`); left out, the new tokens carry none. */
  amr?: readonly string[];
}

/**
 * Step-up (RFC 9470) for a session: after the user re-authenticated (password, a second factor), mints a fresh access
 * token and a refresh token for the same session (`sid`), with a new `auth_time` and the `acr`/`amr` given. Refreshes
 * then carry these and never raise them. What was issued before stays valid at its old level (it was genuine), and
 * ending the session (logout, `revokeUser`) ends every token of it, the new ones included. The session's absolute
 * lifetime (`sessionMaxAge`) counts from the latest authentication.
 *
 * With `rotateRefreshTokens` on, the new refresh token replaces the session's current one in the store, atomically
 * (`RevocationStore.replaceRefreshToken`): the client must keep the new pair, since presenting the replaced refresh
 * token again reads as reuse and ends the session (no grace: the client asked for the new one). A custom store without
 * that method gets an access token only (`refreshToken` undefined), and the client keeps refreshing at its login's
 * level. A revoked session gets 401 `token_revoked`; an unreachable store 503 `revocation_unavailable`.
 *
 * The caller checks the credentials; this service never sees them.
 *
 * @example
 * ```ts
 * @Post('step-up')
 * async stepUp(@CurrentClaims() claims: JwtClaims, @Body() body: StepUpDto) {
 *   await this.users.verifyPasswordAndOtp(claims.sub!, body.password, body.otp);
 *   const { accessToken, refreshToken } = await this.stepUps.stepUp(claims, { acr: 'mfa', amr: ['pwd', 'otp'] });
 *   return { access_token: accessToken, refresh_token: refreshToken };
 * }
 * ```
 */
@Injectable()
export class StepUpService {
  private readonly now: () => number;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: SessionSettings,
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
    @Inject(RevocationStore) private readonly store: RevocationStore,
    private readonly view: RevocationView,
    @Optional() private readonly events?: SecurityEvents,
    @Optional() @Inject(AuthClock) clock?: AuthClock,
  ) {
    this.now = nowOf(clock);
  }

  /**
   * New tokens for the session of verified `claims` (an access token, as the guard puts them on the request), after a
   * re-authentication: fresh, `auth_time` now, `acr` and `amr` as given, same `sid` and carried claims.
   *
   * @example
   * ```ts
   * const { accessToken, refreshToken } = await stepUps.stepUp(claims, { acr: 'mfa', amr: ['pwd', 'otp'] });
   * ```
   */
  async stepUp(claims: JwtClaims, options: StepUpOptions = {}): Promise<TokenPair> {
    const identity = this.sessions.identityOf(claims);
    const sessionId = sessionIdOf(claims);
    const authTime = epochSeconds(this.now);
    const common = {
      sessionId,
      authTime,
      notAfter: this.sessions.sessionEnd(authTime),
      ...(options.acr !== undefined && { acr: options.acr }),
      ...(options.amr !== undefined && { amr: options.amr }),
      baseClaims: this.sessions.carriedClaims(claims),
      // A session bound to a DPoP key stays bound: the guard has checked a proof of that key on this request.
      dpopJkt: boundKeyOf(claims),
    };
    const nextJti = randomUUID();
    const mintsRefresh =
      !this.settings.rotateRefreshTokens ||
      (await this.replaceRefreshToken(sessionId, nextJti, common.notAfter ?? authTime + this.refreshLifetime()));
    const [accessToken, refreshToken] = await Promise.all([
      this.tokens.createAccessTokenAsync(identity, { ...common, fresh: true }),
      mintsRefresh ? this.tokens.createRefreshTokenAsync(identity, { ...common, jti: nextJti }) : undefined,
    ]);
    this.events?.emit({ type: 'step_up', identity, sessionId, tokenId: claims.jti });
    const tokenType = tokenTypeOf(common.dpopJkt);
    return refreshToken === undefined
      ? { accessToken, sessionId, tokenType }
      : { accessToken, refreshToken, sessionId, tokenType };
  }

  /** Under rotation, makes `nextJti` the session's current refresh token; false when the store cannot. */
  private async replaceRefreshToken(sessionId: string, nextJti: string, sessionExpiresAt: number): Promise<boolean> {
    const store = this.store;
    if (store.replaceRefreshToken === undefined) return false;
    const outcome = await callStore(
      this.view,
      () => store.replaceRefreshToken!({ sessionId, nextJti, sessionExpiresAt, now: this.now() }),
      this.settings.revocationTimeoutMs,
      'replace refresh token',
      'Session state is unavailable; try again shortly',
    );
    if (outcome === 'revoked') throw AuthError.invalid(AuthErrorCode.TokenRevoked, 'Token has been revoked');
    return true;
  }

  private refreshLifetime(): number {
    const { refreshTokenTtl, longestTokenLifetime } = this.settings;
    return refreshTokenTtl === false ? longestTokenLifetime : refreshTokenTtl;
  }
}
