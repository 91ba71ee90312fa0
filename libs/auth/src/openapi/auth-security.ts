import type { ExtractionSettings } from '../extractors/extraction-settings.js';
import type { TokenLocation } from '../request/token-location.js';
import type { RouteAuth } from './route-auth.js';

/** The names of the security schemes the document declares. */
export const SCHEME = {
  bearer: 'bearerAuth',
  header: 'headerAuth',
  accessCookie: 'accessCookie',
  refreshCookie: 'refreshCookie',
  csrf: 'csrfHeader',
  refreshCsrf: 'csrfRefreshHeader',
  query: 'queryToken',
} as const;

/** A security scheme object of OpenAPI 3, as much of it as this file writes. */
export type SecurityScheme =
  | { type: 'http'; scheme: 'bearer'; bearerFormat: 'JWT'; description: string }
  | { type: 'apiKey'; in: 'header' | 'cookie' | 'query'; name: string; description: string };

/** One alternative of an operation's `security`: every scheme named must be satisfied. */
export type SecurityRequirement = Record<string, string[]>;

/**
 * The schemes of the module's token locations and of every route's `@TokenLocation()`. The header is `http bearer`
 * when it is `Authorization: Bearer`, else an `apiKey` header of its name; cookies come with the CSRF header their
 * unsafe requests must send.
 */
export function securitySchemes(
  settings: ExtractionSettings,
  routes: readonly RouteAuth[],
): Record<string, SecurityScheme> {
  const used = new Set<TokenLocation>(settings.tokenLocation);
  for (const route of routes) if (route.guarded) for (const location of route.locations ?? []) used.add(location);
  const schemes: Record<string, SecurityScheme> = {};
  if (used.has('headers')) {
    if (isBearer(settings)) {
      schemes[SCHEME.bearer] = {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An access token (or, where the route says so, a refresh token) in `Authorization: Bearer`.',
      };
    } else {
      schemes[SCHEME.header] = {
        type: 'apiKey',
        in: 'header',
        name: settings.headerName,
        description: `The token in the \`${settings.headerName}\` header${settings.headerScheme ? `, after \`${settings.headerScheme} \`` : ''}.`,
      };
    }
  }
  if (used.has('cookies')) {
    const { cookies, csrf } = settings;
    schemes[SCHEME.accessCookie] = cookie(cookies.accessName, 'The access token, in its HttpOnly cookie.');
    schemes[SCHEME.refreshCookie] = cookie(cookies.refreshName, 'The refresh token, in its HttpOnly cookie.');
    if (csrf.enabled) {
      schemes[SCHEME.csrf] = csrfHeader(csrf.accessHeaderName, csrf.accessCookieName);
      if (csrf.refreshHeaderName !== csrf.accessHeaderName) {
        schemes[SCHEME.refreshCsrf] = csrfHeader(csrf.refreshHeaderName, csrf.refreshCookieName);
      }
    }
  }
  if (used.has('query_string')) {
    schemes[SCHEME.query] = {
      type: 'apiKey',
      in: 'query',
      name: settings.queryString.name,
      description: 'The token in the query string (it ends up in logs: prefer the header).',
    };
  }
  return schemes;
}

/**
 * The `security` of one operation: one alternative per location the route reads (a cookie with the CSRF header on the
 * methods the check covers), and an empty one first for `@OptionalAuth()`. Undefined for a route no guard decides.
 */
export function securityOf(
  route: RouteAuth,
  method: string,
  settings: ExtractionSettings,
): SecurityRequirement[] | undefined {
  if (!route.guarded) return undefined;
  const alternatives: SecurityRequirement[] = route.optional ? [{}] : [];
  const refresh = route.types.includes('refresh');
  const access = !refresh || route.types.length > 1;
  const csrfChecked = settings.csrf.enabled && settings.csrf.methods.has(method.toUpperCase());
  for (const location of route.locations ?? settings.tokenLocation) {
    if (location === 'headers') alternatives.push({ [isBearer(settings) ? SCHEME.bearer : SCHEME.header]: [] });
    if (location === 'query_string') alternatives.push({ [SCHEME.query]: [] });
    if (location !== 'cookies') continue;
    if (access) alternatives.push(withCsrf(SCHEME.accessCookie, csrfChecked && SCHEME.csrf));
    if (refresh) {
      const csrf =
        settings.csrf.refreshHeaderName === settings.csrf.accessHeaderName ? SCHEME.csrf : SCHEME.refreshCsrf;
      alternatives.push(withCsrf(SCHEME.refreshCookie, csrfChecked && csrf));
    }
  }
  return alternatives;
}

function withCsrf(scheme: string, csrf: string | false): SecurityRequirement {
  return csrf === false ? { [scheme]: [] } : { [scheme]: [], [csrf]: [] };
}

function isBearer(settings: ExtractionSettings): boolean {
  return settings.headerName.toLowerCase() === 'authorization' && settings.headerScheme.toLowerCase() === 'bearer';
}

function cookie(name: string, description: string): SecurityScheme {
  return { type: 'apiKey', in: 'cookie', name, description };
}

function csrfHeader(name: string, cookieName: string): SecurityScheme {
  return {
    type: 'apiKey',
    in: 'header',
    name,
    description: `With a cookie-borne token on an unsafe method: the value of the readable \`${cookieName}\` cookie (double submit).`,
  };
}
