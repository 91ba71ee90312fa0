import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthCookies } from '../cookies/auth-cookies.service.js';
import type { CookieResponse } from '../cookies/set-cookie-header.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { SessionSettings } from './session-settings.js';
import { SessionService } from './session.service.js';

/**
 * Flask-JWT-Extended's implicit refresh recipe (`after_request`), switched on by the `implicitRefresh` option: when a
 * guard accepts an access token from a cookie that expires within the window (default: half its lifetime), the
 * response sets a new access cookie, non-fresh, for the same session, claims and CSRF value. A browser that keeps using
 * the app never sees its access token expire; one that stops comes back to an expired token and refreshes explicitly.
 * Header-borne tokens are left alone (their client manages them), and cost nothing: the guard asks only for cookies.
 *
 * It runs in the guard rather than in an interceptor because a global interceptor costs every request of the app,
 * header-borne ones included, several thousand instructions of Nest's interceptor chain (BENCHMARKS.md).
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, tokenLocation: ['cookies'], implicitRefresh: { within: '10m' } });
 * ```
 */
@Injectable()
export class ImplicitRefresh {
  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: SessionSettings,
    private readonly sessions: SessionService,
    private readonly cookies: AuthCookies,
  ) {}

  /** Whether the option is on. */
  get enabled(): boolean {
    return this.settings.implicitRefreshWithin !== false;
  }

  /** Sets a renewed access cookie on `response` when `verified` (a cookie-borne token) is close to expiry. */
  renewIfDue(verified: VerifiedToken, response: CookieResponse): void {
    const within = this.settings.implicitRefreshWithin;
    const { type, exp } = verified.claims;
    if (within === false || type !== 'access' || typeof exp !== 'number') return;
    if (exp - epochSeconds() > within) return;
    this.cookies.setAccessCookies(response, this.sessions.renewAccessToken(verified.claims));
  }
}
