import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { CookieSettings, CsrfSettings, ExtractionSettings } from '../extractors/extraction-settings.js';
import { isTokenLocation, type TokenLocation } from '../request/token-location.js';
import type { AuthModuleOptions, CookieOptions, CsrfOptions } from './auth-module-options.interface.js';
import {
  booleanOption,
  HTTP_TOKEN,
  httpHeaderName,
  nestedOptions,
  nonEmptyString,
  positiveLifetime,
  stringOption,
} from './option-checks.js';

/** The settings resolved here: where tokens are read from, cookies, CSRF, and the implicit refresh window. */
export interface BrowserSettings extends Omit<ExtractionSettings, 'maxTokenLength'> {
  readonly csrfClaim: boolean;
  readonly implicitRefreshWithin: number | false;
}

// A cookie path: printable, no `;` (which would end the attribute), starting at the root.
const COOKIE_PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/;
const COOKIE_KEYS: readonly (keyof CookieOptions)[] = [
  'accessName',
  'refreshName',
  'accessPath',
  'refreshPath',
  'domain',
  'sameSite',
  'secure',
  'session',
  'maxAge',
  'hostPrefix',
];
const CSRF_KEYS: readonly (keyof CsrfOptions)[] = [
  'enabled',
  'methods',
  'accessHeaderName',
  'refreshHeaderName',
  'checkForm',
  'accessFieldName',
  'refreshFieldName',
  'inCookies',
  'accessCookieName',
  'refreshCookieName',
  'accessCookiePath',
  'refreshCookiePath',
  'checkOrigin',
  'trustedOrigins',
];

/**
 * Resolves `headerName`, `headerScheme`, `tokenLocation`, `cookies`, `csrf`, `queryString`, `json` and
 * `implicitRefresh`. A misspelled key or an unsafe combination (`SameSite=None` without `Secure`, `__Host-` with a
 * domain) fails at start-up, naming the option.
 */
export function resolveBrowserOptions(options: AuthModuleOptions, accessTokenTtl: number | false): BrowserSettings {
  const headerName = httpHeaderName(options.headerName ?? 'Authorization', 'headerName');
  const [headerScheme, ...otherHeaderSchemes] = headerSchemesOf(options.headerScheme ?? 'Bearer');
  const tokenLocation = locationsOf(options.tokenLocation);
  const cookies = cookieSettingsOf(nestedOptions('cookies', options.cookies, COOKIE_KEYS));
  const csrfOptions = nestedOptions('csrf', options.csrf, CSRF_KEYS);
  const csrf = csrfSettingsOf(csrfOptions, cookies, options.cookies?.hostPrefix === true);
  const query = nestedOptions('queryString', options.queryString, ['name', 'valuePrefix']);
  const json = nestedOptions('json', options.json, ['accessKey', 'refreshKey']);
  return {
    headerName,
    headerScheme: headerScheme!,
    // Left out with one scheme: the extractor then has nothing more to look at.
    ...(otherHeaderSchemes.length > 0 && { otherHeaderSchemes: otherHeaderSchemes.map((s) => s.toLowerCase()) }),
    tokenLocation,
    cookies,
    csrf,
    queryString: {
      name: nonEmptyString(query.name ?? 'jwt', 'queryString.name'),
      valuePrefix: stringOption(query.valuePrefix ?? '', 'queryString.valuePrefix'),
    },
    json: {
      accessKey: nonEmptyString(json.accessKey ?? 'access_token', 'json.accessKey'),
      refreshKey: nonEmptyString(json.refreshKey ?? 'refresh_token', 'json.refreshKey'),
    },
    csrfClaim: csrf.enabled && tokenLocation.includes('cookies'),
    implicitRefreshWithin: implicitRefreshWithinOf(options.implicitRefresh, accessTokenTtl),
  };
}

function locationsOf(value: AuthModuleOptions['tokenLocation']): readonly TokenLocation[] {
  const list: readonly unknown[] = value === undefined ? ['headers'] : typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isTokenLocation) || new Set(list).size !== list.length) {
    throw new InvalidAuthOptionError(
      'tokenLocation',
      `must be 'headers', 'cookies', 'query_string' or 'json', or a non-empty list of them without repeats ` +
        `(got ${JSON.stringify(value)})`,
    );
  }
  return Object.freeze([...list]);
}

function cookieSettingsOf(options: CookieOptions): CookieSettings {
  const secure = booleanOption(options.secure ?? true, 'cookies.secure', { echo: false });
  const hostPrefix = booleanOption(options.hostPrefix ?? false, 'cookies.hostPrefix', { echo: false });
  const sameSite = String(options.sameSite ?? 'lax').toLowerCase();
  if (sameSite !== 'strict' && sameSite !== 'lax' && sameSite !== 'none') {
    throw new InvalidAuthOptionError('cookies.sameSite', `must be 'strict', 'lax' or 'none' (got ${options.sameSite})`);
  }
  if (sameSite === 'none' && !secure) {
    throw new InvalidAuthOptionError('cookies.sameSite', "'none' requires cookies.secure: browsers drop such cookies");
  }
  const domain = options.domain === undefined ? undefined : cookieDomainOf(options.domain);
  const accessPath = cookiePathOf(options.accessPath ?? '/', 'cookies.accessPath');
  const refreshPath = cookiePathOf(options.refreshPath ?? '/', 'cookies.refreshPath');
  if (hostPrefix)
    assertHostPrefixable(secure, domain, { 'cookies.accessPath': accessPath, 'cookies.refreshPath': refreshPath });
  const prefix = hostPrefix ? '__Host-' : '';
  return {
    accessName: prefix + cookieNameOf(options.accessName ?? 'access_token_cookie', 'cookies.accessName'),
    refreshName: prefix + cookieNameOf(options.refreshName ?? 'refresh_token_cookie', 'cookies.refreshName'),
    accessPath,
    refreshPath,
    ...(domain !== undefined && { domain }),
    sameSite,
    secure,
    session: booleanOption(options.session ?? false, 'cookies.session', { echo: false }),
    ...(options.maxAge !== undefined && { maxAge: positiveLifetime(options.maxAge, 'cookies.maxAge') }),
  };
}

function csrfSettingsOf(options: CsrfOptions, cookies: CookieSettings, hostPrefix: boolean): CsrfSettings {
  const methods = options.methods ?? ['POST', 'PUT', 'PATCH', 'DELETE'];
  if (!Array.isArray(methods) || !methods.every((method) => typeof method === 'string' && HTTP_TOKEN.test(method))) {
    throw new InvalidAuthOptionError('csrf.methods', 'must be a list of HTTP methods such as ["POST", "DELETE"]');
  }
  const accessCookiePath = cookiePathOf(options.accessCookiePath ?? '/', 'csrf.accessCookiePath');
  const refreshCookiePath = cookiePathOf(options.refreshCookiePath ?? '/', 'csrf.refreshCookiePath');
  if (hostPrefix) {
    assertHostPrefixable(cookies.secure, cookies.domain, {
      'csrf.accessCookiePath': accessCookiePath,
      'csrf.refreshCookiePath': refreshCookiePath,
    });
  }
  const prefix = hostPrefix ? '__Host-' : '';
  return {
    enabled: booleanOption(options.enabled ?? true, 'csrf.enabled', { echo: false }),
    methods: new Set(methods.map((method) => method.toUpperCase())),
    accessHeaderName: httpHeaderName(options.accessHeaderName ?? 'X-CSRF-TOKEN', 'csrf.accessHeaderName').toLowerCase(),
    refreshHeaderName: httpHeaderName(
      options.refreshHeaderName ?? 'X-CSRF-TOKEN',
      'csrf.refreshHeaderName',
    ).toLowerCase(),
    checkForm: booleanOption(options.checkForm ?? false, 'csrf.checkForm', { echo: false }),
    accessFieldName: nonEmptyString(options.accessFieldName ?? 'csrf_token', 'csrf.accessFieldName'),
    refreshFieldName: nonEmptyString(options.refreshFieldName ?? 'csrf_token', 'csrf.refreshFieldName'),
    inCookies: booleanOption(options.inCookies ?? true, 'csrf.inCookies', { echo: false }),
    accessCookieName: prefix + cookieNameOf(options.accessCookieName ?? 'csrf_access_token', 'csrf.accessCookieName'),
    refreshCookieName:
      prefix + cookieNameOf(options.refreshCookieName ?? 'csrf_refresh_token', 'csrf.refreshCookieName'),
    accessCookiePath,
    refreshCookiePath,
    checkOrigin: booleanOption(options.checkOrigin ?? true, 'csrf.checkOrigin', { echo: false }),
    trustedOrigins: trustedOriginsOf(options.trustedOrigins),
  };
}

/** Each a serialized origin (`https://app.example.com`, no path, no trailing slash), as browsers send in `Origin`. */
function trustedOriginsOf(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  const option = 'csrf.trustedOrigins';
  if (!Array.isArray(value)) throw new InvalidAuthOptionError(option, 'must be a list of origins');
  for (const origin of value as unknown[]) {
    let serialized: string | undefined;
    try {
      serialized = typeof origin === 'string' ? new URL(origin).origin : undefined;
    } catch {
      serialized = undefined;
    }
    if (serialized !== origin || serialized === 'null') {
      throw new InvalidAuthOptionError(
        option,
        `must hold origins such as "https://app.example.com" (scheme, host, port; no path) (got ${JSON.stringify(origin)})`,
      );
    }
  }
  return new Set(value as string[]);
}

function implicitRefreshWithinOf(
  value: AuthModuleOptions['implicitRefresh'],
  accessTokenTtl: number | false,
): number | false {
  if (value === undefined || value === false) return false;
  if (value !== true && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new InvalidAuthOptionError('implicitRefresh', 'must be true, false or { within: duration }');
  }
  const given = value === true ? undefined : nestedOptions('implicitRefresh', value, ['within']).within;
  if (given === undefined) {
    if (accessTokenTtl === false) {
      throw new InvalidAuthOptionError('implicitRefresh', 'needs { within } when access tokens do not expire');
    }
    return Math.floor(accessTokenTtl / 2);
  }
  const within = positiveLifetime(given, 'implicitRefresh.within');
  if (accessTokenTtl !== false && within >= accessTokenTtl) {
    throw new InvalidAuthOptionError(
      'implicitRefresh.within',
      `must be shorter than the access-token lifetime (${accessTokenTtl} s), or every request would mint a token`,
    );
  }
  return within;
}

function assertHostPrefixable(secure: boolean, domain: string | undefined, paths: Record<string, string>): void {
  if (!secure) throw new InvalidAuthOptionError('cookies.hostPrefix', 'requires cookies.secure');
  if (domain !== undefined) throw new InvalidAuthOptionError('cookies.hostPrefix', 'forbids cookies.domain');
  for (const [option, path] of Object.entries(paths)) {
    if (path !== '/') throw new InvalidAuthOptionError(option, "must be '/' with cookies.hostPrefix");
  }
}

function cookieNameOf(value: unknown, option: string): string {
  if (typeof value !== 'string' || !HTTP_TOKEN.test(value)) {
    throw new InvalidAuthOptionError(option, "must be a cookie name (letters, digits and !#$%&'*+.^_`|~-)");
  }
  return value;
}

function cookiePathOf(value: unknown, option: string): string {
  if (typeof value !== 'string' || !COOKIE_PATH.test(value)) {
    throw new InvalidAuthOptionError(
      option,
      "must be a path starting with '/', without ';', spaces or control characters",
    );
  }
  return value;
}

function cookieDomainOf(value: unknown): string {
  if (typeof value !== 'string' || !/^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(value)) {
    throw new InvalidAuthOptionError('cookies.domain', 'must be a host name such as "example.com"');
  }
  return value;
}

/**
 * One scheme (`'Bearer'`), or several accepted in turn (`['Bearer', 'JWT']`, the first being the one tokens are sent
 * with in handshakes and named in messages): single words, none repeated; `''` (a bare token) only alone.
 */
function headerSchemesOf(value: unknown): string[] {
  const schemes = typeof value === 'string' ? [value] : value;
  const word = (scheme: unknown) => typeof scheme === 'string' && !/\s/.test(scheme);
  if (!Array.isArray(schemes) || schemes.length === 0 || !schemes.every(word)) {
    throw new InvalidAuthOptionError(
      'headerScheme',
      'must be a single word such as "Bearer" (or a list of them, such as ["Bearer", "JWT"]), or "" for a bare token',
    );
  }
  const list = schemes as string[];
  if (list.length > 1 && list.includes('')) {
    throw new InvalidAuthOptionError('headerScheme', 'cannot list "" (a bare token) beside other schemes');
  }
  const lower = list.map((scheme) => scheme.toLowerCase());
  const repeated = lower.find((scheme, index) => lower.indexOf(scheme) !== index);
  if (repeated !== undefined) throw new InvalidAuthOptionError('headerScheme', `lists "${repeated}" more than once`);
  return list;
}
