import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { ResolvedAuthOptions } from '../options/resolved-auth-options.js';
import { RevocationStore } from '../revocation/revocation-store.interface.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { callStore } from '../revocation/call-store.js';
import { epochSeconds } from '../epoch-seconds.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import type { CreateAccessTokenOptions } from '../tokens/token-options.interface.js';
import { TokenService } from '../tokens/token.service.js';
import type { TokenPair } from './token-pair.interface.js';

/** Options of `SessionService.start`. */
export type StartSessionOptions = Pick<CreateAccessTokenOptions, 'fresh' | 'additionalClaims' | 'additionalHeaders'>;

/**
 * Logins and refreshes as sessions. `start` mints a fresh access token and a refresh token that share a new session
 * id; `refresh` mints a non-fresh access token for the same session and, with `rotateRefreshTokens`, a new refresh
 * token, consuming the presented one atomically. A consumed token presented again ends the whole session
 * (401 `refresh_token_reused`), except the immediately previous one within `refreshTokenGracePeriod`.
 *
 * @example
 * ```ts
 * @Post('login')
 * async login(@Body() body: LoginDto) {
 *   const identity = await this.users.verifyCredentials(body.username, body.password);
 *   const { accessToken, refreshToken } = await this.sessions.start(identity);
 *   return { access_token: accessToken, refresh_token: refreshToken };
 * }
 *
 * @UseGuards(RefreshJwtGuard)
 * @Post('refresh')
 * async refresh(@CurrentClaims() claims: JwtClaims) {
 *   const { accessToken, refreshToken } = await this.sessions.refresh(claims);
 *   return { access_token: accessToken, ...(refreshToken && { refresh_token: refreshToken }) };
 * }
 * ```
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(RevocationStore) private readonly store: RevocationStore,
    private readonly tokens: TokenService,
    private readonly view: RevocationView,
  ) {}

  /** Starts a session after the user proved who they are: the access token is fresh unless told otherwise. */
  async start(identity: string, options: StartSessionOptions = {}): Promise<TokenPair> {
    const sessionId = randomUUID();
    const authTime = epochSeconds();
    const notAfter = this.sessionEnd(authTime);
    const refreshToken = this.tokens.createRefreshToken(identity, { ...options, sessionId, authTime, notAfter });
    const accessToken = this.tokens.createAccessToken(identity, {
      fresh: true,
      ...options,
      sessionId,
      authTime,
      notAfter,
    });
    // Recorded so that logging the user out everywhere can end this session by its id.
    await this.call(
      this.store.registerSession(identity, sessionId, notAfter ?? this.refreshExpiry(authTime)),
      'register session',
    );
    return { accessToken, refreshToken, sessionId };
  }

  /** Refreshes with verified refresh-token claims (as `RefreshJwtGuard` puts them on the request). */
  async refresh(claims: JwtClaims): Promise<TokenPair> {
    const identity = this.identityOf(claims);
    const sessionId = claims.sid ?? randomUUID();
    const authTime = claims.auth_time ?? claims.iat;
    const notAfter = this.sessionEnd(authTime);
    const common = { sessionId, authTime, notAfter };
    if (!this.options.rotateRefreshTokens) {
      return { accessToken: this.tokens.createAccessToken(identity, { ...common, fresh: false }), sessionId };
    }
    const nextJti = randomUUID();
    const sessionExpiresAt = notAfter ?? this.refreshExpiry(epochSeconds());
    const outcome = await this.call(
      this.store.rotateRefreshToken({
        sessionId,
        presentedJti: claims.jti,
        nextJti,
        graceMs: this.options.refreshTokenGraceMs,
        sessionExpiresAt,
        now: Date.now(),
      }),
      'rotate',
    );
    if (outcome === 'reused') {
      // The store has revoked the session; enforce it here before its feed echoes it back.
      this.view.revoked({ kind: 'session', id: sessionId, expiresAt: sessionExpiresAt });
      throw AuthError.invalid(
        AuthErrorCode.RefreshTokenReused,
        'Refresh token was already used; the session has been revoked',
      );
    }
    if (outcome === 'revoked') throw AuthError.invalid(AuthErrorCode.TokenRevoked, 'Token has been revoked');
    return {
      accessToken: this.tokens.createAccessToken(identity, { ...common, fresh: false }),
      refreshToken: this.tokens.createRefreshToken(identity, { ...common, jti: nextJti }),
      sessionId,
    };
  }

  private sessionEnd(authTime: number): number | undefined {
    return this.options.sessionMaxAge === false ? undefined : authTime + this.options.sessionMaxAge;
  }

  private refreshExpiry(from: number): number {
    return (
      from + (this.options.refreshTokenTtl === false ? this.options.longestTokenLifetime : this.options.refreshTokenTtl)
    );
  }

  private identityOf(claims: JwtClaims): string {
    const identity = claims[this.options.identityClaim];
    if (typeof identity !== 'string' || identity.length === 0) {
      throw new TypeError('nest-jwt-extended: SessionService.refresh needs verified claims with an identity');
    }
    return identity;
  }

  private call<T>(operation: Promise<T>, what: string): Promise<T> {
    return callStore(
      operation,
      this.options.revocationTimeoutMs,
      what,
      'Session state is unavailable; try again shortly',
    );
  }
}
