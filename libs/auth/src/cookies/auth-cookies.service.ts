import { Inject, Injectable } from '@nestjs/common';
import { stringifySetCookie, type SetCookie } from 'cookie';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import type { ExtractionSettings } from '../extractors/extraction-settings.js';
import { appendSetCookie, type CookieResponse } from './set-cookie-header.js';
import { type AuthCookieLifetime, maxAgeOfCall } from './cookie-lifetime.js';

/**
 * Sets and clears the token cookies and their CSRF cookies on an Express or Fastify response (Flask-JWT-Extended's
 * `set_access_cookies`, `set_refresh_cookies`, `unset_jwt_cookies`). Token cookies are `HttpOnly`; the CSRF cookies are
 * readable by the page's script, which sends their value back in the `X-CSRF-TOKEN` header. Names, paths and
 * attributes come from the module's `cookies` and `csrf` options; each setter takes an optional lifetime for this call
 * (`{ session: true }` or `{ maxAge }`), so one app can offer both a session login and a "remember me" one.
 *
 * @example
 * ```ts
 * @Public()
 * @Post('web/login')
 * @HttpCode(200)
 * async login(@Body() body: LoginDto, @Res({ passthrough: true }) response: Response) {
 *   const user = await this.users.check(body.username, body.password);
 *   this.cookies.setAuthCookies(response, await this.sessions.start(user.id));
 *   return { login: true };
 * }
 * ```
 */
@Injectable()
export class AuthCookies {
  constructor(@Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: ExtractionSettings) {}

  /**
   * Sets whichever of the access and refresh cookies `tokens` holds (a `TokenPair` from `SessionService`). `lifetime`
   * applies to every cookie set by this call; without it, the module's `cookies.session` and `cookies.maxAge` decide.
   */
  setAuthCookies(
    response: CookieResponse,
    tokens: { accessToken?: string; refreshToken?: string },
    lifetime?: AuthCookieLifetime,
  ): void {
    if (tokens.accessToken !== undefined) this.setAccessCookies(response, tokens.accessToken, lifetime);
    if (tokens.refreshToken !== undefined) this.setRefreshCookies(response, tokens.refreshToken, lifetime);
  }

  /** Sets the access-token cookie and, with CSRF in cookies, its CSRF cookie; `lifetime` as in `setAuthCookies`. */
  setAccessCookies(response: CookieResponse, accessToken: string, lifetime?: AuthCookieLifetime): void {
    const { cookies, csrf } = this.settings;
    this.set(
      response,
      accessToken,
      [cookies.accessName, cookies.accessPath, csrf.accessCookieName, csrf.accessCookiePath],
      maxAgeOfCall(lifetime),
    );
  }

  /** Sets the refresh-token cookie and, with CSRF in cookies, its CSRF cookie; `lifetime` as in `setAuthCookies`. */
  setRefreshCookies(response: CookieResponse, refreshToken: string, lifetime?: AuthCookieLifetime): void {
    const { cookies, csrf } = this.settings;
    this.set(
      response,
      refreshToken,
      [cookies.refreshName, cookies.refreshPath, csrf.refreshCookieName, csrf.refreshCookiePath],
      maxAgeOfCall(lifetime),
    );
  }

  /** Clears all four cookies (`Max-Age=0`), with the paths and domain they were set with. */
  clearAuthCookies(response: CookieResponse): void {
    this.clearAccessCookies(response);
    this.clearRefreshCookies(response);
  }

  /** Clears the access-token cookie and its CSRF cookie. */
  clearAccessCookies(response: CookieResponse): void {
    const { cookies, csrf } = this.settings;
    this.clear(response, cookies.accessName, cookies.accessPath, true);
    if (csrf.inCookies) this.clear(response, csrf.accessCookieName, csrf.accessCookiePath, false);
  }

  /** Clears the refresh-token cookie and its CSRF cookie. */
  clearRefreshCookies(response: CookieResponse): void {
    const { cookies, csrf } = this.settings;
    this.clear(response, cookies.refreshName, cookies.refreshPath, true);
    if (csrf.inCookies) this.clear(response, csrf.refreshCookieName, csrf.refreshCookiePath, false);
  }

  // `ofCall`: a number of seconds, null for a session cookie, undefined to follow the module's options.
  private set(
    response: CookieResponse,
    token: string,
    [name, path, csrfName, csrfPath]: [string, string, string, string],
    ofCall: number | null | undefined,
  ): void {
    const claims = payloadOf(token);
    const maxAge = ofCall === undefined ? this.maxAgeFor(claims.exp) : (ofCall ?? undefined);
    appendSetCookie(response, this.serialize({ name, value: token, path, httpOnly: true, maxAge }));
    const csrf = claims.csrf;
    if (this.settings.csrf.inCookies && typeof csrf === 'string') {
      appendSetCookie(
        response,
        this.serialize({ name: csrfName, value: csrf, path: csrfPath, httpOnly: false, maxAge }),
      );
    }
  }

  private clear(response: CookieResponse, name: string, path: string, httpOnly: boolean): void {
    appendSetCookie(response, this.serialize({ name, value: '', path, httpOnly, maxAge: 0, expires: new Date(0) }));
  }

  private serialize(cookie: SetCookie): string {
    const { domain, secure, sameSite } = this.settings.cookies;
    return stringifySetCookie({ ...cookie, ...(domain !== undefined && { domain }), secure, sameSite });
  }

  // Session cookies carry no Max-Age; otherwise the cookie lives as long as the token it holds, unless configured.
  private maxAgeFor(exp: unknown): number | undefined {
    const { session, maxAge } = this.settings.cookies;
    if (session) return undefined;
    if (maxAge !== undefined) return maxAge;
    return typeof exp === 'number' ? Math.max(0, exp - epochSeconds()) : undefined;
  }
}

/** The claims of a token this application has just minted: read, not verified (it is not a request's input). */
function payloadOf(token: string): Record<string, unknown> {
  if (typeof token !== 'string') throw new TypeError('nest-jwt-extended: AuthCookies takes a token string');
  const payload = token.split('.')[1];
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    if (typeof claims === 'object' && claims !== null) return claims as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new TypeError('nest-jwt-extended: AuthCookies takes a compact JWT (header.payload.signature)');
}
