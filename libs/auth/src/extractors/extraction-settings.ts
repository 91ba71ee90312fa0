import type { TokenLocation } from '../request/token-location.js';

/**
 * The resolved settings that reading a token from a request reads (`TokenExtractor`, `HeaderTokenExtractor`),
 * validated at start-up. Declared here, beside the code that reads them, so that `extractors/` depends on no more than
 * it uses and `options/` (which composes every feature's settings) depends on `extractors/`, never the other way round.
 */
export interface ExtractionSettings {
  /** The longest token accepted (`maxTokenLength`), checked where a token is found. */
  readonly maxTokenLength: number;
  /** The request header that carries the token. */
  readonly headerName: string;
  /** The scheme before the token, matched case-insensitively; `''` when the header is the bare token. */
  readonly headerScheme: string;
  /** More schemes accepted after `headerScheme`, lower-cased (simplejwt's `AUTH_HEADER_TYPES`); usually none. */
  readonly otherHeaderSchemes?: readonly string[];
  /** Where tokens are looked for, in order, on routes without `@TokenLocation()`. */
  readonly tokenLocation: readonly TokenLocation[];
  /** Cookie names, paths and attributes. */
  readonly cookies: CookieSettings;
  /** CSRF double submit for cookie-borne tokens. */
  readonly csrf: CsrfSettings;
  /** The query-string location. */
  readonly queryString: { readonly name: string; readonly valuePrefix: string };
  /** The JSON-body location: the keys of the access and the refresh token. */
  readonly json: { readonly accessKey: string; readonly refreshKey: string };
}

/** Resolved cookie settings: names carry the `__Host-` prefix when it is on. */
export interface CookieSettings {
  readonly accessName: string;
  readonly refreshName: string;
  readonly accessPath: string;
  readonly refreshPath: string;
  readonly domain?: string;
  readonly sameSite: 'strict' | 'lax' | 'none';
  readonly secure: boolean;
  /** Session cookies (no `Max-Age`): gone when the browser closes. */
  readonly session: boolean;
  /** `Max-Age` in seconds; undefined: the token's own remaining lifetime. */
  readonly maxAge?: number;
}

/** Resolved CSRF settings. */
export interface CsrfSettings {
  /** Whether cookie-borne tokens are checked on the methods below. */
  readonly enabled: boolean;
  /** Upper-case methods that are checked. */
  readonly methods: ReadonlySet<string>;
  /** Lower-case request header names. */
  readonly accessHeaderName: string;
  readonly refreshHeaderName: string;
  /** Whether a form field may carry the value when the header is absent. */
  readonly checkForm: boolean;
  readonly accessFieldName: string;
  readonly refreshFieldName: string;
  /** Whether the CSRF values are also set as cookies that the page's script can read. */
  readonly inCookies: boolean;
  readonly accessCookieName: string;
  readonly refreshCookieName: string;
  readonly accessCookiePath: string;
  readonly refreshCookiePath: string;
  /** Whether a cookie-borne token on a checked method must come from the request's own or a trusted origin. */
  readonly checkOrigin: boolean;
  /** The serialized origins (`https://app.example.com`) trusted besides the request's own host. */
  readonly trustedOrigins: ReadonlySet<string>;
}
