/** Passport strategy name of the access-token policy (fresh or not). `AuthGuard(JWT_ACCESS_STRATEGY)` works. */
export const JWT_ACCESS_STRATEGY = 'jwt-access';
/** Passport strategy name of the fresh access-token policy. */
export const JWT_FRESH_STRATEGY = 'jwt-fresh';
/** Passport strategy name of the refresh-token policy. */
export const JWT_REFRESH_STRATEGY = 'jwt-refresh';

/** Metadata key written by `@Public()`. */
export const IS_PUBLIC_KEY = 'nest-jwt-extended:public';
/** Metadata key written by `@OptionalAuth()`. */
export const OPTIONAL_AUTH_KEY = 'nest-jwt-extended:optional';
/** Metadata key written by `@TokenLocation()`. */
export const TOKEN_LOCATION_KEY = 'nest-jwt-extended:token-location';
/** Metadata key written by `@RequireScopes()`: the scopes the route's token must grant. */
export const REQUIRE_SCOPES_KEY = 'nest-jwt-extended:require-scopes';
/** Metadata key written by `@RequireAuth()`: the route's step-up requirement. */
export const REQUIRE_AUTH_KEY = 'nest-jwt-extended:require-auth';
