import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { SecurityEvent } from '../events/security-event.interface.js';
import type { ExtractionSettings } from '../extractors/extraction-settings.js';
import { RevocationService } from '../revocation/revocation.service.js';
import { sessionIdOf } from '../revocation/token-session.js';
import { SessionService } from '../sessions/session.service.js';
import type { StartSessionOptions } from '../sessions/start-session-options.js';
import type { TokenPair } from '../sessions/token-pair.interface.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import type { TokenLifetime } from '../tokens/token-lifetime.js';
import { TokenService } from '../tokens/token.service.js';
import { AuthClock } from '../util/auth-clock.js';
import { TESTING_EVENTS } from './testing-tokens.js';
import type { TestClock } from './test-clock.js';

/**
 * What a test token carries besides its identity.
 *
 * @example
 * ```ts
 * auth.accessToken('alice', { fresh: true, claims: { roles: ['admin'] }, expiresIn: '5m' });
 * ```
 */
export interface TestTokenOptions {
  /** Claims of your own (`roles`, `tenant`...); reserved claims are refused, as everywhere. */
  claims?: Record<string, unknown>;
  /** Access tokens: `true`, `false` (the default, as Flask's `create_access_token`), or seconds of freshness from now. */
  fresh?: boolean | number;
  /** Lifetime; default the module's. */
  expiresIn?: TokenLifetime;
}

/**
 * The helper of `AuthTestingModule`: mints tokens for an identity in one call, builds the `Authorization` header,
 * moves the test clock, revokes, and lists the security events emitted. Get it with `moduleRef.get(AuthTesting)`.
 * Tokens are minted by the app's own `TokenService` and `SessionService` (its loaders run), with the testing
 * module's secret.
 *
 * @example
 * ```ts
 * const auth = moduleRef.get(AuthTesting);
 * await request(app.getHttpServer()).get('/protected').set(auth.header('alice')).expect(200);
 * auth.clock.advance('16m');
 * await request(app.getHttpServer()).get('/protected').set(auth.header('alice')).expect(200); // minted now: fine
 * ```
 */
@Injectable()
export class AuthTesting {
  constructor(
    @Inject(AuthClock) readonly clock: TestClock,
    @Inject(TESTING_EVENTS) private readonly recorded: SecurityEvent[],
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The security events emitted since the start (or the last {@link clearEvents}), oldest first. */
  get events(): readonly SecurityEvent[] {
    return this.recorded;
  }

  /** Forgets the events recorded so far. */
  clearEvents(): void {
    this.recorded.length = 0;
  }

  /** An access token for `identity`, minted now by the test clock (sync loaders only; see {@link login}). */
  accessToken(identity: string | object, options: TestTokenOptions = {}): string {
    return this.get(TokenService).createAccessToken(identity, {
      fresh: options.fresh,
      additionalClaims: options.claims,
      expiresIn: options.expiresIn,
    });
  }

  /** A refresh token for `identity`, outside any session (use {@link login} for one that belongs to a session). */
  refreshToken(identity: string | object, options: Omit<TestTokenOptions, 'fresh'> = {}): string {
    return this.get(TokenService).createRefreshToken(identity, {
      additionalClaims: options.claims,
      expiresIn: options.expiresIn,
    });
  }

  /**
   * The header that carries a new access token for `identity`, as the module reads it (`headerName`,
   * `headerScheme`): `{ Authorization: 'Bearer …' }`, ready for supertest's `.set()` or `fetch`'s `headers`.
   */
  header(identity: string | object, options: TestTokenOptions = {}): Record<string, string> {
    return this.bearer(this.accessToken(identity, options));
  }

  /** The header that carries `token` (one you minted or got from a login). */
  bearer(token: string): Record<string, string> {
    const { headerName, headerScheme } = this.get<ExtractionSettings>(RESOLVED_AUTH_OPTIONS);
    return { [headerName]: headerScheme === '' ? token : `${headerScheme} ${token}` };
  }

  /** A real session, as your login route starts it (`SessionService.start`): a fresh access token and a refresh token. */
  login(identity: string | object, options?: StartSessionOptions): Promise<TokenPair> {
    return this.get(SessionService).start(identity, options);
  }

  /** Revokes the session of `token` (any token of a login), or the session of that id. */
  revokeSession(tokenOrSessionId: string): Promise<void> {
    const sessionId = tokenOrSessionId.includes('.') ? sessionIdOf(this.claimsOf(tokenOrSessionId)) : tokenOrSessionId;
    return this.get(RevocationService).revokeSession(sessionId);
  }

  /** Revokes one token (its `jti`). */
  revokeToken(token: string): Promise<void> {
    return this.get(RevocationService).revokeToken(this.claimsOf(token));
  }

  /** Revokes every token of `identity` issued until now ("log out everywhere"). */
  revokeUser(identity: string): Promise<void> {
    return this.get(RevocationService).revokeUser(identity);
  }

  // The claims of a token we minted, expired or not, of any type.
  private claimsOf(token: string): JwtClaims {
    return this.get(TokenService).verifyToken(token, { type: ['access', 'refresh'], allowExpired: true });
  }

  // AuthModule need not be global: its services are found wherever the app imports it.
  private get<T>(token: (abstract new (...args: never[]) => T) | symbol): T {
    return this.moduleRef.get(token as never, { strict: false });
  }
}
