import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError, invalidToken } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { SessionSettings } from './session-settings.js';
import { MAX_LISTED_SESSIONS, RevocationStore, type SessionRecord } from '../revocation/revocation-store.interface.js';
import { RevocationService } from '../revocation/revocation.service.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { callStore } from '../revocation/call-store.js';
import { sessionIdOf } from '../revocation/token-session.js';
import { withTimeout } from '../revocation/with-timeout.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { SecurityEvents } from '../events/security-events.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { TokenService } from '../tokens/token.service.js';
import { RESERVED_CLAIMS } from '../tokens/reserved-claims.js';
import type { TokenPair } from './token-pair.interface.js';
import { boundKeyOf, tokenTypeOf } from './dpop-binding.js';
import { assertMetadata, type StartSessionOptions } from './start-session-options.js';
import { sessionAuthenticationOf } from './session-authentication.js';

/** Sessions revoked at once by `revokeOtherSessions`: enough to be quick, few enough not to flood the store. */
const REVOKE_CONCURRENCY = 16;
const IDENTITY_NOT_STRING = 'Token identity is not a string: no new token can be minted for it (verifySub: false)';

/**
 * Logins and refreshes as sessions. `start` mints a fresh access token and a refresh token that share a new session
 * id; `refresh` mints a non-fresh access token for the same session and, with `rotateRefreshTokens`, a new refresh
 * token, consuming the presented one atomically. A consumed token presented again ends the whole session
 * (401 `refresh_token_reused`), except the immediately previous one within `refreshTokenGracePeriod`.
 *
 * A refresh token without `sid` (minted by `TokenService.createRefreshToken` for a foreign session, or by
 * Flask-JWT-Extended) is a family of its own: its session id is its own `jti`. With rotation its first use consumes it
 * and a second use is `refresh_token_reused`; the tokens refreshed from it carry that `jti` as their `sid`.
 *
 * Every session started here is recorded in the store (created at, last refreshed at, metadata), so the user can see
 * their logins (`listSessions`) and end the others (`revokeOtherSessions`).
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
  private readonly logger = new Logger('SessionService');

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: SessionSettings,
    @Inject(RevocationStore) private readonly store: RevocationStore,
    private readonly tokens: TokenService,
    private readonly view: RevocationView,
    private readonly revocations: RevocationService,
    @Optional() private readonly events?: SecurityEvents,
  ) {}

  /**
   * Starts a session after the user proved who they are: the access token is fresh unless told otherwise. `identity`
   * may be your user object when the `identityOf` option turns it into the identity; the `additionalClaims` and
   * `additionalHeaders` loaders run for both tokens (async ones too). The session
   * is recorded in the store before the tokens are returned (503 `revocation_unavailable` when it cannot be, at once
   * while the store is known down): a session that is not recorded could not be ended by `revokeUser`, so no login
   * proceeds without it.
   *
   * @example
   * ```ts
   * const { accessToken, refreshToken } = await sessions.start(identity, { metadata: { userAgent } });
   * ```
   */
  async start(user: string | object, options: StartSessionOptions = {}): Promise<TokenPair> {
    const { metadata, ...tokenOptions } = options;
    assertMetadata(metadata);
    const identity = this.tokens.identityOf(user);
    const sessionId = randomUUID();
    const authTime = epochSeconds(this.view.now);
    const notAfter = this.sessionEnd(authTime);
    const [refreshToken, accessToken] = await Promise.all([
      this.tokens.createRefreshTokenAsync(user, { ...tokenOptions, sessionId, authTime, notAfter }),
      this.tokens.createAccessTokenAsync(user, { fresh: true, ...tokenOptions, sessionId, authTime, notAfter }),
    ]);
    // Recorded so that logging the user out everywhere can end this session by its id, and the user can list it.
    const session: SessionRecord = {
      sessionId,
      identity,
      createdAt: authTime,
      expiresAt: notAfter ?? this.refreshExpiry(authTime),
      ...(metadata !== undefined && { metadata: { ...metadata } }),
    };
    await this.call(() => this.store.registerSession(session), 'register session');
    this.events?.emit({ type: 'login', identity, sessionId });
    return { accessToken, refreshToken, sessionId, tokenType: tokenTypeOf(options.dpopJkt) };
  }

  /**
   * Refreshes with verified refresh-token claims (as `RefreshJwtGuard` puts them on the request). The session is the
   * token's `sid`, or its own `jti` when it has none. Records the refresh as the session's `lastRefreshedAt`. The new
   * tokens carry the refresh token's own claims (unless `carryClaimsOnRefresh: false`), then the `additionalClaims`
   * loader's, run again: a loader's fresh answer wins over a carried value.
   *
   * @example
   * ```ts
   * const { accessToken, refreshToken } = await sessions.refresh(claims);
   * ```
   */
  async refresh(claims: JwtClaims): Promise<TokenPair> {
    const identity = this.identityOf(claims);
    const sessionId = sessionIdOf(claims);
    // auth_time, acr and amr as the refresh token has them: a refresh never raises the session's authentication.
    const authentication = sessionAuthenticationOf(claims);
    const notAfter = this.sessionEnd(authentication.authTime);
    const dpopJkt = boundKeyOf(claims);
    const common = { sessionId, ...authentication, notAfter, baseClaims: this.carriedClaims(claims), dpopJkt };
    const tokenType = tokenTypeOf(dpopJkt);
    if (!this.settings.rotateRefreshTokens) {
      await this.touch(identity, sessionId);
      const accessToken = await this.tokens.createAccessTokenAsync(identity, { ...common, fresh: false });
      this.events?.emit({ type: 'refresh', identity, sessionId, tokenId: claims.jti });
      return { accessToken, sessionId, tokenType };
    }
    const nextJti = randomUUID();
    const sessionExpiresAt = notAfter ?? this.refreshExpiry(epochSeconds(this.view.now));
    const outcome = await this.call(
      () =>
        this.store.rotateRefreshToken({
          sessionId,
          presentedJti: claims.jti,
          nextJti,
          graceMs: this.settings.refreshTokenGraceMs,
          sessionExpiresAt,
          now: this.view.now(),
          recentFor: this.settings.revocationWindow,
        }),
      'rotate',
    );
    if (outcome === 'reused') {
      // The store has revoked the session; enforce it here before its feed echoes it back.
      this.view.revoked({ kind: 'session', id: sessionId, expiresAt: sessionExpiresAt }); // revoked now, by its clock
      this.events?.emit({
        type: 'refresh_token_reused',
        identity,
        sessionId,
        tokenId: claims.jti,
        code: AuthErrorCode.RefreshTokenReused,
      });
      throw AuthError.invalid(
        AuthErrorCode.RefreshTokenReused,
        'Refresh token was already used; the session has been revoked',
      );
    }
    if (outcome === 'revoked') throw AuthError.invalid(AuthErrorCode.TokenRevoked, 'Token has been revoked');
    // Sent, not awaited: the refresh time is informational, and the request then waits for two round trips in all (the
    // guard's revocation check and the rotation). The command leaves before any later one on the same connection, so a
    // listing asked after this answer still sees it; touch() bounds and logs its own failure.
    void this.touch(identity, sessionId);
    const [accessToken, refreshToken] = await Promise.all([
      this.tokens.createAccessTokenAsync(identity, { ...common, fresh: false }),
      this.tokens.createRefreshTokenAsync(identity, { ...common, jti: nextJti }),
    ]);
    this.events?.emit({ type: 'rotation', identity, sessionId, tokenId: claims.jti });
    return { accessToken, refreshToken, sessionId, tokenType };
  }

  /**
   * A new non-fresh access token for the session of verified access-token `claims`: same identity, session, login time
   * and carried claims, and the same `csrf` value, so that requests already sent with the old CSRF header still pass.
   * What the implicit-refresh interceptor mints; no store round trip (the token was checked for revocation by the guard,
   * and the session's absolute end still bounds the new one).
   *
   * @example
   * ```ts
   * const accessToken = sessions.renewAccessToken(claims);
   * ```
   */
  renewAccessToken(claims: JwtClaims): string {
    const identity = this.identityOf(claims);
    const authentication = sessionAuthenticationOf(claims);
    return this.tokens.createAccessToken(identity, {
      fresh: false,
      sessionId: sessionIdOf(claims),
      ...authentication,
      notAfter: this.sessionEnd(authentication.authTime),
      baseClaims: this.carriedClaims(claims),
      ...(typeof claims.csrf === 'string' && { csrf: claims.csrf }),
      dpopJkt: boundKeyOf(claims),
    });
  }

  /**
   * The user's live sessions (neither expired nor revoked), newest first, at most {@link MAX_LISTED_SESSIONS}.
   * Sessions whose tokens were minted without `SessionService.start` are not recorded, so not listed.
   *
   * @example
   * ```ts
   * @Get('sessions')
   * async list(@CurrentIdentity() identity: string, @CurrentClaims() claims: JwtClaims) {
   *   const sessions = await this.sessions.listSessions(identity);
   *   return sessions.map((session) => ({ ...session, current: session.sessionId === claims.sid }));
   * }
   * ```
   */
  listSessions(identity: string): Promise<SessionRecord[]> {
    return this.call(() => this.store.listSessions(identity, MAX_LISTED_SESSIONS), 'list sessions');
  }

  /**
   * Ends every listed live session of the user except `currentSid` ("log out my other devices"), and resolves with how
   * many it ended. Each is revoked as `RevocationService.revokeSession` does; if the store fails part way, the call
   * rejects with 503 `revocation_unavailable` and may be repeated (revoking a session twice is harmless).
   *
   * @example
   * ```ts
   * const revoked = await sessions.revokeOtherSessions(identity, claims.sid!);
   * ```
   */
  async revokeOtherSessions(identity: string, currentSid: string): Promise<number> {
    const others = (await this.listSessions(identity)).filter((session) => session.sessionId !== currentSid);
    for (let start = 0; start < others.length; start += REVOKE_CONCURRENCY) {
      await Promise.all(
        others
          .slice(start, start + REVOKE_CONCURRENCY)
          .map((session) => this.revocations.revokeSession(session.sessionId)),
      );
    }
    return others.length;
  }

  /**
   * Records the refresh as the session's `lastRefreshedAt`: awaited (bounded) on a plain refresh, sent without waiting
   * after a rotation (see there); either way a listing asked after the answer shows it, and a failure is logged and
   * ignored: the refresh already happened (with rotation, the presented token is consumed), and
   * failing it now would leave the client without the only refresh token that still works. The time is informational.
   */
  private async touch(identity: string, sessionId: string): Promise<void> {
    if (this.view.storeDown) return; // known down: not worth a wait, nor a request piled up on it
    try {
      await withTimeout(
        this.store.touchSession(identity, sessionId, epochSeconds(this.view.now)),
        this.settings.revocationTimeoutMs,
        'Revocation store (touch session)',
      );
    } catch (error) {
      this.logger.warn(
        `Could not record the refresh of a session: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /**
   * The refresh token's own claims, to mint again: what `additionalClaims` put there at login (`roles`, say) would
   * otherwise be gone after the first refresh. Never the library's claims (it writes them anew), the identity, or
   * `csrf` (a token's CSRF value is its own).
   */
  carriedClaims(claims: JwtClaims): Record<string, unknown> | undefined {
    if (!this.settings.carryClaimsOnRefresh) return undefined;
    const carried = Object.entries(claims).filter(
      ([name]) => !RESERVED_CLAIMS.has(name) && name !== this.settings.identityClaim && name !== 'csrf',
    );
    return carried.length === 0 ? undefined : Object.fromEntries(carried);
  }

  /** The session's absolute end: `sessionMaxAge` after its login (a step-up does not extend it). */
  sessionEnd(authTime: number): number | undefined {
    return this.settings.sessionMaxAge === false ? undefined : authTime + this.settings.sessionMaxAge;
  }

  private refreshExpiry(from: number): number {
    return (
      from +
      (this.settings.refreshTokenTtl === false ? this.settings.longestTokenLifetime : this.settings.refreshTokenTtl)
    );
  }

  /** The identity of verified claims, as a string (a 401 for a non-string one under `verifySub: false`). */
  identityOf(claims: JwtClaims): string {
    const identity = claims[this.settings.identityClaim];
    if (typeof identity === 'string' && identity.length > 0) return identity;
    // verifySub: false lets a number or an object through, but we mint string identities only: a 401, never a 500.
    if (typeof identity === 'number' || typeof identity === 'object') throw invalidToken(IDENTITY_NOT_STRING);
    throw new TypeError('nest-jwt-extended: SessionService.refresh needs verified claims with an identity');
  }

  private call<T>(operation: () => Promise<T>, what: string): Promise<T> {
    return callStore(
      this.view,
      operation,
      this.settings.revocationTimeoutMs,
      what,
      'Session state is unavailable; try again shortly',
    );
  }
}
