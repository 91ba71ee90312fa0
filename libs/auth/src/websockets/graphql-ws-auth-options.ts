import type { TokenPolicy } from '../tokens/token-policy.js';

/**
 * How `SocketAuthenticator.watchGraphqlWs` and `graphqlWsHooks` authenticate a graphql-ws connection.
 *
 * @example
 * ```ts
 * sockets.graphqlWsHooks({ optional: true, anonymousIdleMs: 5_000 });
 * ```
 */
export interface GraphqlWsAuthOptions {
  /**
   * Let a connection without a token in, as anonymous (for `@Public()` subscriptions); a bad token is still closed
   * with 4401. Default `false`: no token, no connection.
   */
  optional?: boolean;
  /** With `optional`: an anonymous connection running no operation for this long is closed (4408). Default 10000. */
  anonymousIdleMs?: number;
  /** What the connection's token must be. Default: an access token. */
  policy?: TokenPolicy;
}
