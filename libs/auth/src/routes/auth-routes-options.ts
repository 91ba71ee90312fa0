import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { StartSessionOptions } from '../sessions/start-session-options.js';

/** Injection token of `AuthRoutesModule`'s options. */
export const AUTH_ROUTES_OPTIONS = Symbol('nest-jwt-extended:auth-routes-options');

/**
 * What the login route passes to the app's credentials check: the validated body.
 *
 * @example
 * ```ts
 * const check = ({ username, password }: LoginCredentials) => users.verify(username, password);
 * ```
 */
export interface LoginCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Where a login came from, as the request says (the client chooses both: display them, trust neither).
 *
 * @example
 * ```ts
 * const credentials: CredentialsCheck = (body, { ip }: LoginOrigin) => users.verify(body.username, body.password, ip);
 * ```
 */
export interface LoginOrigin {
  readonly userAgent?: string;
  readonly ip?: string;
}

/**
 * The app's own credentials check: the identity (or the user object, with the `identityOf` option) of the user these
 * credentials prove, or `null`/`undefined` for "no". Never throw for wrong credentials: the route answers 401
 * `invalid_credentials` for both an unknown user and a wrong password.
 *
 * @example
 * ```ts
 * const credentials: CredentialsCheck = async ({ username, password }) =>
 *   (await users.verifyPassword(username, password)) ? username : null;
 * ```
 */
export type CredentialsCheck = (
  credentials: LoginCredentials,
  origin: LoginOrigin,
) => string | object | null | undefined | Promise<string | object | null | undefined>;

/**
 * Options of `AuthRoutesModule`: the credentials check and what the login's session carries. The paths are extras
 * given beside them (`path`, `routes`), since Nest needs them before any factory runs.
 *
 * @example
 * ```ts
 * AuthRoutesModule.forRoot({ path: 'auth', credentials: ({ username, password }) => users.check(username, password) });
 * ```
 */
export interface AuthRoutesOptions {
  /** The app's credentials check. Required. */
  credentials: CredentialsCheck;
  /** Claims of the login's tokens (`acr`, `amr`, `additionalClaims`, ...); the access token is fresh. */
  session?: Omit<StartSessionOptions, 'metadata'>;
  /** Record the user agent and IP address with the session, for the session listing. Default true. */
  recordOrigin?: boolean;
}

/**
 * The routes `AuthRoutesModule` mounts, by name.
 *
 * @example
 * ```ts
 * const left: AuthRouteName[] = ['sessions', 'revokeOthers'];
 * ```
 */
export type AuthRouteName = 'login' | 'refresh' | 'logout' | 'logoutAll' | 'sessions' | 'revokeOthers';

/**
 * Each route's path under the module's `path`; `false` leaves the route out.
 *
 * @example
 * ```ts
 * const routes: AuthRoutePaths = { login: 'sign-in', sessions: false };
 * ```
 */
export type AuthRoutePaths = Partial<Record<AuthRouteName, string | false>>;

/** The default path of each route, under the module's `path` (default `auth`). */
export const DEFAULT_ROUTE_PATHS: Readonly<Record<AuthRouteName, string>> = {
  login: 'login',
  refresh: 'refresh',
  logout: 'logout',
  logoutAll: 'logout/all',
  sessions: 'sessions',
  revokeOthers: 'sessions/revoke-others',
};

const KNOWN_OPTIONS = new Set(['credentials', 'session', 'recordOrigin']);

/** Checks the options once, as the module starts, naming the option that is wrong. */
export function checkAuthRoutesOptions(options: AuthRoutesOptions): AuthRoutesOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidAuthOptionError('AuthRoutesModule', 'takes an object: { credentials, session?, recordOrigin? }');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new InvalidAuthOptionError(
        `AuthRoutesModule.${key}`,
        'is not an option (credentials, session, recordOrigin)',
      );
    }
  }
  if (typeof options.credentials !== 'function') {
    throw new InvalidAuthOptionError(
      'AuthRoutesModule.credentials',
      'must be a function returning an identity or null',
    );
  }
  if (options.session !== undefined && (typeof options.session !== 'object' || options.session === null)) {
    throw new InvalidAuthOptionError('AuthRoutesModule.session', 'must be an object of SessionService.start options');
  }
  if (options.recordOrigin !== undefined && typeof options.recordOrigin !== 'boolean') {
    throw new InvalidAuthOptionError('AuthRoutesModule.recordOrigin', 'must be true or false');
  }
  return options;
}

/** Checks the paths (`path`, `routes`) when the module is defined, so a typo stops the app naming it. */
export function routePathsOf(
  path: unknown,
  routes: unknown,
): { path: string; routes: Record<AuthRouteName, string | false> } {
  if (typeof path !== 'string' || !/^[\w\-/.:]*$/.test(path)) {
    throw new InvalidAuthOptionError(
      'AuthRoutesModule.path',
      'must be a path such as "auth" (letters, digits, - _ . / :)',
    );
  }
  if (routes === null || typeof routes !== 'object' || Array.isArray(routes)) {
    throw new InvalidAuthOptionError('AuthRoutesModule.routes', 'must be an object of route paths');
  }
  const resolved: Record<AuthRouteName, string | false> = { ...DEFAULT_ROUTE_PATHS };
  for (const [name, value] of Object.entries(routes as Record<string, unknown>)) {
    if (!(name in DEFAULT_ROUTE_PATHS)) {
      throw new InvalidAuthOptionError(
        `AuthRoutesModule.routes.${name}`,
        `is not a route (${Object.keys(DEFAULT_ROUTE_PATHS).join(', ')})`,
      );
    }
    if (value !== false && (typeof value !== 'string' || !/^[\w\-/.:]+$/.test(value))) {
      throw new InvalidAuthOptionError(`AuthRoutesModule.routes.${name}`, 'must be a path such as "login", or false');
    }
    resolved[name as AuthRouteName] = value;
  }
  return { path, routes: resolved };
}
