import type { ExecutionContext } from '@nestjs/common';
import type { HeaderTokenExtractor, RequestWithHeaders } from '../extractors/header-token.extractor.js';

/**
 * What a guard reads the token from and records the verified token on, in any transport; `ip` is the peer's address
 * (the callbacks' `TokenRequest`), `method` and `url` what a DPoP proof of a handshake names.
 */
export type ContextRequest = RequestWithHeaders & { user?: unknown; ip?: string; method?: string; url?: string };

/** A socket.io handshake, or what stands for one: the parts a token may come in. */
export interface SocketHandshake {
  headers?: RequestWithHeaders['headers'];
  auth?: Record<string, unknown>;
  query?: Record<string, unknown>;
  /** The peer's address (socket.io's `handshake.address`). */
  address?: string;
  /** The URL of the upgrade (or socket.io's first) request: what a DPoP proof of the handshake names as `htu`. */
  url?: string;
}

type Extractor = Pick<HeaderTokenExtractor, 'headersCarrying' | 'hasTokenHeader'>;

// The request that stands for a socket or a graphql-ws connection, built once per connection: every message or
// operation on it then finds the same object, and the token verified for it. Entries go with the connection.
const byConnection = new WeakMap<object, ContextRequest>();

/**
 * The request of a guarded call, whatever its transport: the framework's request over HTTP; the HTTP request of a
 * GraphQL query or mutation; for a subscription over graphql-ws, a request built from the upgrade request and the
 * connection's `connectionParams`; for a gateway message, the request built from the socket's handshake. Without an
 * `extractor`, a request not built yet is not built (`undefined`): that is how the decorators look.
 *
 * @example
 * ```ts
 * const request = contextRequestOf(context, extractor);
 * ```
 */
export function contextRequestOf(context: ExecutionContext, extractor?: Extractor): ContextRequest | undefined {
  switch (context.getType<string>()) {
    case 'http':
      return context.getArgByIndex(0);
    case 'graphql':
      // GqlExecutionContext reads the same argument: (root, args, context, info).
      return graphqlRequestOf(context.getArgByIndex(2), extractor);
    case 'ws':
      return socketRequestOf(context.getArgByIndex(0), extractor);
    default:
      return undefined;
  }
}

/**
 * Builds (or finds) the request of a socket from its handshake: the token is `auth.token`, else the configured header,
 * else the query parameter `queryParameter` when one is given. Records it for the socket, so that its messages and
 * the decorators find it.
 */
export function socketRequest(
  socket: object,
  handshake: SocketHandshake,
  extractor: Extractor,
  queryParameter?: string,
): ContextRequest {
  const known = byConnection.get(socket);
  if (known !== undefined) return known;
  const headers = withoutCookies(handshake.headers);
  let token = nonEmptyString(handshake.auth?.token);
  if (token === undefined && queryParameter !== undefined && !extractor.hasTokenHeader(headers))
    token = nonEmptyString(handshake.query?.[queryParameter]);
  const request: ContextRequest = {
    headers: token === undefined ? headers : extractor.headersCarrying(token, headers),
    ip: typeof handshake.address === 'string' ? handshake.address : undefined,
    // A handshake is a GET: its DPoP proof names that method and the handshake's URL.
    method: 'GET',
    ...(typeof handshake.url === 'string' && { url: handshake.url }),
  };
  byConnection.set(socket, request);
  return request;
}

/** The request recorded for a socket (see {@link socketRequest}), if any. */
export function recordedSocketRequest(socket: object): ContextRequest | undefined {
  return byConnection.get(socket);
}

function socketRequestOf(client: unknown, extractor: Extractor | undefined): ContextRequest | undefined {
  if (!isObject(client)) return undefined;
  const known = byConnection.get(client);
  if (known !== undefined || extractor === undefined) return known;
  // A socket.io socket keeps its handshake; a plain `ws` client does not keep its upgrade request, so it is known only
  // when SocketAuthenticator recorded it at the connection.
  const handshake = (client as { handshake?: unknown }).handshake;
  // Not recorded without a handshake: SocketAuthenticator.accept may still be recording the real one.
  if (!isObject(handshake)) return { headers: {} };
  return socketRequest(client, handshake, extractor);
}

function graphqlRequestOf(context: unknown, extractor: Extractor | undefined): ContextRequest | undefined {
  if (!isObject(context)) return undefined;
  const { req, request, reply } = context as { req?: unknown; request?: unknown; reply?: { request?: unknown } };
  const connection = [context, req].find(isGraphqlWsContext);
  if (connection !== undefined) return connectionRequestOf(connection, extractor);
  // Apollo (Express and Fastify, through Nest's driver) passes `req`; Mercurius its `reply`.
  return (req ?? request ?? reply?.request) as ContextRequest | undefined;
}

/** graphql-ws' server context: set up by `connection_init`, it holds the `connectionParams` the client sent. */
export interface GraphqlWsContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra?: { request?: { headers?: RequestWithHeaders['headers']; socket?: { remoteAddress?: string } } };
}

function isGraphqlWsContext(value: unknown): value is GraphqlWsContext {
  return (
    isObject(value) &&
    (typeof (value as { connectionInitReceived?: unknown }).connectionInitReceived === 'boolean' ||
      ('connectionParams' in value && 'extra' in value))
  );
}

/**
 * The request of a graphql-ws connection: the upgrade request's headers, then the `connectionParams` as headers
 * (`{ Authorization: 'Bearer …' }`, names lower-cased as Node does), then `connectionParams.token` in the configured
 * header. Built once per connection.
 */
/** The request of a graphql-ws connection (see {@link contextRequestOf}), built and recorded on first sight. */
export function graphqlWsRequest(connection: GraphqlWsContext, extractor: Extractor): ContextRequest {
  return connectionRequestOf(connection, extractor)!;
}

function connectionRequestOf(
  connection: GraphqlWsContext,
  extractor: Extractor | undefined,
): ContextRequest | undefined {
  const known = byConnection.get(connection);
  if (known !== undefined || extractor === undefined) return known;
  const headers = withoutCookies(connection.extra?.request?.headers);
  const params = isObject(connection.connectionParams) ? connection.connectionParams : {};
  for (const [name, value] of Object.entries(params))
    if (typeof value === 'string' && name !== 'token') headers[name.toLowerCase()] = value;
  const token = nonEmptyString(params.token);
  const request: ContextRequest = {
    headers: token === undefined ? headers : extractor.headersCarrying(token, headers),
    ip: connection.extra?.request?.socket?.remoteAddress,
  };
  byConnection.set(connection, request);
  return request;
}

/**
 * The upgrade request's headers without `Cookie`. A browser attaches cookies to a WebSocket upgrade from any site and a
 * page cannot add a CSRF header to it (nor does CORS apply), so a cookie there would let another site open a socket as
 * the user (cross-site WebSocket hijacking). Sockets authenticate with what the client hands over itself: `auth.token`,
 * `connectionParams`, or the header.
 */
function withoutCookies(headers: RequestWithHeaders['headers'] | undefined): RequestWithHeaders['headers'] {
  const copy = { ...headers };
  delete copy.cookie;
  return copy;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
