import type { TokenLifetime } from '../tokens/token-lifetime.js';

/**
 * Cookie settings (Flask-JWT-Extended's `JWT_*_COOKIE_*`). The defaults keep Flask's names, so a Flask front end keeps
 * working, with safer attributes: `HttpOnly` token cookies, `SameSite=Lax`, `Secure`.
 *
 * @example
 * ```ts
 * cookies: { refreshPath: '/auth/refresh', sameSite: 'strict', hostPrefix: true }
 * ```
 */
export interface CookieOptions {
  /** Default `access_token_cookie`. */
  accessName?: string;
  /** Default `refresh_token_cookie`. */
  refreshName?: string;
  /** Default `/`. */
  accessPath?: string;
  /** Default `/`; narrow it to the refresh route so the refresh token travels only there. */
  refreshPath?: string;
  /** The `Domain` attribute; default none (host-only cookies). */
  domain?: string;
  /** `'lax'` (default), `'strict'` or `'none'` (which requires `secure`). */
  sameSite?: 'strict' | 'lax' | 'none' | 'Strict' | 'Lax' | 'None';
  /** The `Secure` attribute. Default true; turn it off only for plain-HTTP development. */
  secure?: boolean;
  /** Session cookies, gone when the browser closes (`JWT_SESSION_COOKIE`). Default false: `Max-Age` is set. */
  session?: boolean;
  /** `Max-Age` of persistent cookies. Default: the token's own remaining lifetime. */
  maxAge?: TokenLifetime;
  /**
   * Prefix every cookie name with `__Host-`: browsers then insist on `Secure`, `Path=/` and no `Domain`, so a
   * sibling subdomain cannot plant or shadow the cookies. Requires `secure`, no `domain` and `/` paths. Default false.
   */
  hostPrefix?: boolean;
}

/**
 * CSRF double submit (Flask-JWT-Extended's `JWT_COOKIE_CSRF_PROTECT`, `JWT_CSRF_*`): a cookie-borne token is accepted
 * on the checked methods only beside a header (or form field) equal to its `csrf` claim. Header-borne tokens are
 * never checked: a browser does not add them by itself.
 *
 * @example
 * ```ts
 * csrf: { methods: ['POST', 'PUT', 'PATCH', 'DELETE'], accessHeaderName: 'X-XSRF-TOKEN' }
 * ```
 */
export interface CsrfOptions {
  /** Default true. */
  enabled?: boolean;
  /** Default `['POST', 'PUT', 'PATCH', 'DELETE']`. */
  methods?: readonly string[];
  /** Default `X-CSRF-TOKEN`. */
  accessHeaderName?: string;
  /** Default `X-CSRF-TOKEN`. */
  refreshHeaderName?: string;
  /** Also accept the value from a form field of a parsed body when the header is absent. Default false. */
  checkForm?: boolean;
  /** Default `csrf_token`. */
  accessFieldName?: string;
  /** Default `csrf_token`. */
  refreshFieldName?: string;
  /** `AuthCookies` also sets the CSRF values as cookies the page's script can read. Default true. */
  inCookies?: boolean;
  /** Default `csrf_access_token`. */
  accessCookieName?: string;
  /** Default `csrf_refresh_token`. */
  refreshCookieName?: string;
  /** Default `/`. */
  accessCookiePath?: string;
  /** Default `/`. */
  refreshCookiePath?: string;
  /**
   * Refuses a cookie-borne token on a checked method (`methods`) when the request comes from another site: an `Origin`
   * that is neither the request's own `Host` nor one of `trustedOrigins`, or, without `Origin`, `Sec-Fetch-Site:
   * cross-site` (403 `untrusted_origin`). Defence in depth beside double submit (OWASP); a request carrying neither
   * header (a non-browser client) passes on to the CSRF check, and tokens from a header are never affected. Holds
   * even with `enabled: false`. Default true.
   */
  checkOrigin?: boolean;
  /**
   * Origins (`https://app.example.com`, scheme, host and port, no path) allowed besides the request's own host: a front
   * end on another host that sends cookies with `credentials: 'include'`. Default none.
   *
   * @example
   * ```ts
   * csrf: { trustedOrigins: ['https://app.example.com'] }
   * ```
   */
  trustedOrigins?: readonly string[];
}
