/**
 * The request a token came with, as `verifyClaims`, `isTokenRevoked` and the user loader see it (their last argument).
 * It is the request itself, never a copy, so nothing is allocated for it:
 * - over HTTP, and for GraphQL over HTTP, the framework's request (Express' `Request`, Fastify's `FastifyRequest`):
 *   `headers`, `ip`, `method`, `url`, and `cookies` when cookie-parser or @fastify/cookie is registered;
 * - for a socket (socket.io or `ws`) and a GraphQL subscription over graphql-ws, the request built once per connection
 *   from its handshake: `headers` (without `Cookie`, which sockets never authenticate with) and `ip`, the address of
 *   the peer.
 *
 * `undefined` where a token is judged outside a request: `TokenService.verifyTokenAsync({ checkRevocation })` and
 * introspection.
 *
 * @example
 * ```ts
 * verifyClaims: (claims, _header, request) => claims.ip === undefined || claims.ip === request?.ip,
 * ```
 */
export interface TokenRequest {
  /** Header names in lower case, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The client's address (behind a proxy, as the framework's trust-proxy setting reads it). */
  readonly ip?: string;
  /** HTTP only. */
  readonly method?: string;
  /** HTTP only. */
  readonly url?: string;
  /** Parsed cookies, when a cookie parser is registered (HTTP only). */
  readonly cookies?: Readonly<Record<string, string | undefined>>;
}
