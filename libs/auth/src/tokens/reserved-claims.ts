/**
 * Claims the library writes itself. `additionalClaims` may not set them, and the identity claim may not take one of
 * these names (except `sub`). Here, beside the code that writes them, so that signing and option checks share one
 * list.
 */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'sub',
  'iat',
  'nbf',
  'exp',
  'jti',
  'type',
  'fresh',
  'iss',
  'aud',
  'sid',
  'auth_time',
  'acr',
  'amr',
  'csrf',
  'cnf',
]);
