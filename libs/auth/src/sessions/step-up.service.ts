import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { SecurityEvents } from '../events/security-events.js';
import { sessionIdOf } from '../revocation/token-session.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { TokenService } from '../tokens/token.service.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { AuthClock, nowOf } from '../util/auth-clock.js';
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
 * With `rotateRefreshTokens` on, only an access token is minted (`refreshToken` is undefined): the store knows which
 * refresh token of the session is current, and a second one minted beside it would read as a reused token and end the
 * session. The client keeps refreshing with its refresh token, at the level of the session's login.
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
    };
    const [accessToken, refreshToken] = await Promise.all([
      this.tokens.createAccessTokenAsync(identity, { ...common, fresh: true }),
      this.settings.rotateRefreshTokens ? undefined : this.tokens.createRefreshTokenAsync(identity, common),
    ]);
    this.events?.emit({ type: 'step_up', identity, sessionId, tokenId: claims.jti });
    return refreshToken === undefined ? { accessToken, sessionId } : { accessToken, refreshToken, sessionId };
  }
}
