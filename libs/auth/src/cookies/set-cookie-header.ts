/**
 * The response objects `AuthCookies` writes to: Express's `Response`, Fastify's `FastifyReply`, or Node's
 * `ServerResponse`. Typed structurally so that the library depends on neither framework.
 */
export type CookieResponse =
  | { append(name: string, value: string): unknown }
  | { header(name: string, value: string): unknown; raw: object }
  | { getHeader(name: string): unknown; setHeader(name: string, value: string | string[]): unknown };

/**
 * Adds one `Set-Cookie` header without replacing those already set. Express's `append` and Fastify's `header` both
 * add to the list for `set-cookie` (Express's `header`/`set` would replace it, so `append` is looked for first).
 */
export function appendSetCookie(response: CookieResponse, value: string): void {
  if ('append' in response && typeof response.append === 'function') {
    response.append('Set-Cookie', value);
  } else if ('raw' in response && typeof response.header === 'function') {
    response.header('set-cookie', value);
  } else if ('setHeader' in response && typeof response.setHeader === 'function') {
    const previous = response.getHeader('set-cookie');
    const list: string[] = Array.isArray(previous) ? previous : typeof previous === 'string' ? [previous] : [];
    response.setHeader('set-cookie', [...list, value]);
  } else {
    throw new TypeError(
      'nest-jwt-extended: AuthCookies needs the response object (Express Response, Fastify reply or ServerResponse)',
    );
  }
}
