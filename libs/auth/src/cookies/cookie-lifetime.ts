import { toLifetimeSeconds, type TokenLifetime } from '../tokens/token-lifetime.js';

/**
 * How long the cookies of one `AuthCookies` call live, over the module's `cookies.session` and `cookies.maxAge`
 * (Flask-JWT-Extended's `set_access_cookies(response, token, max_age=...)`): a "remember me" login sets a persistent
 * refresh cookie, another login of the same app session cookies. At most one of the two.
 *
 * @example
 * ```ts
 * // Gone when the browser closes:
 * cookies.setAuthCookies(response, tokens, { session: true });
 * // Kept for 30 days:
 * cookies.setRefreshCookies(response, tokens.refreshToken, { maxAge: '30d' });
 * ```
 */
export interface AuthCookieLifetime {
  /** `Max-Age` of the cookies set by this call: seconds, or a string such as `'30d'`. */
  maxAge?: TokenLifetime;
  /** `true`: session cookies (no `Max-Age`, no `Expires`), gone when the browser closes. */
  session?: boolean;
}

/**
 * The `Max-Age` a call asks for: a number of seconds, `null` for a session cookie, or `undefined` when the call leaves
 * it to the module's options. Checked per call because the values come from the app's code, not from configuration
 * read at start-up; a wrong one is a programming error, thrown at once.
 */
export function maxAgeOfCall(lifetime: AuthCookieLifetime | undefined): number | null | undefined {
  if (lifetime === undefined) return undefined;
  if (typeof lifetime !== 'object' || lifetime === null) {
    throw new TypeError('nest-jwt-extended: AuthCookies takes { maxAge } or { session: true } as its lifetime');
  }
  const { maxAge, session } = lifetime;
  if (session !== undefined && typeof session !== 'boolean') {
    throw new TypeError('nest-jwt-extended: AuthCookies lifetime.session must be true or false');
  }
  if (maxAge !== undefined && session === true) {
    throw new TypeError('nest-jwt-extended: AuthCookies takes either lifetime.maxAge or lifetime.session, not both');
  }
  if (session === true) return null;
  if (maxAge === undefined) return undefined;
  const seconds = maxAge === false ? false : toLifetimeSeconds(maxAge, 'AuthCookies lifetime.maxAge');
  if (seconds === false) {
    throw new TypeError(
      'nest-jwt-extended: AuthCookies lifetime.maxAge must be a positive lifetime; use session: true',
    );
  }
  return seconds;
}
