/**
 * Where a token may be read from, by Flask-JWT-Extended's names: the `Authorization` header, a cookie (with CSRF double
 * submit on unsafe methods), the query string (`?jwt=`), or a JSON body (`{"access_token": ...}`).
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, tokenLocation: ['headers', 'cookies'] });
 * ```
 */
export type TokenLocation = 'headers' | 'cookies' | 'query_string' | 'json';

/** Every location, in Flask-JWT-Extended's order. */
export const TOKEN_LOCATIONS: readonly TokenLocation[] = ['headers', 'cookies', 'query_string', 'json'];

/** Whether `value` names a location. */
export function isTokenLocation(value: unknown): value is TokenLocation {
  return typeof value === 'string' && (TOKEN_LOCATIONS as readonly string[]).includes(value);
}
