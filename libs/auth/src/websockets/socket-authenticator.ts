import { HttpStatus, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  type ContextRequest,
  graphqlWsRequest,
  socketRequest,
  type SocketHandshake,
} from '../context/context-request.js';
import { type AuthError, toAuthError } from '../errors/auth-error.js';
import { socketRefusalOf, type SocketRefusal } from '../errors/socket-refusal.js';
import { HeaderTokenExtractor } from '../extractors/header-token.extractor.js';
import { RevocationView } from '../revocation/revocation-view.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import type { TokenDemand } from '../verification/token-demand.js';
import { VerificationPipeline } from '../verification/verification-pipeline.js';
import { AnonymousConnections } from './anonymous-connections.js';
import type { GraphqlWsAuthOptions } from './graphql-ws-auth-options.js';
import { type ClosingCode, SocketConnections } from './socket-connections.js';

/** How sockets are authenticated at their handshake. */
export interface SocketAuthOptions {
  /**
   * A query parameter that may carry the token, read only when neither `auth.token` nor the header carries one.
   * Off by default: URLs end up in logs.
   */
  queryParameter?: string;
  /** Let a handshake without a token through, as anonymous (a bad token is still refused). Default `false`. */
  optional?: boolean;
  /** What the handshake token must be. Default: an access token (`{ type: 'access' }`). */
  policy?: TokenPolicy;
}

/** The parts of a socket.io `Socket` this class uses (socket.io itself is not imported). */
export interface SocketIoSocketLike {
  handshake: SocketHandshake;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(close?: boolean): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
}

/** The parts of a socket.io `Server` or `Namespace` this class uses. */
export interface SocketIoServerLike {
  use(middleware: (socket: SocketIoSocketLike, next: (error?: Error) => void) => void): unknown;
  on(event: 'connection', listener: (socket: SocketIoSocketLike) => void): unknown;
}

/** The parts of a `ws` WebSocket this class uses. */
export interface WsClientLike {
  readyState: number;
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/** The parts of the upgrade request (Node's `IncomingMessage`) this class reads. */
export interface UpgradeRequestLike {
  headers: SocketHandshake['headers'];
  url?: string;
  /** Node's socket of the upgrade request: its `remoteAddress` is the callbacks' `request.ip`. */
  socket?: { remoteAddress?: string };
}

/** graphql-ws' server context as `onConnect` receives it, with the `ws` socket under `extra` (its `ws` adapter). */
export interface GraphqlWsConnectionLike {
  connectionParams?: Readonly<Record<string, unknown>>;
  /** The operations running on the connection, by id (graphql-ws keeps it). */
  subscriptions?: Readonly<Record<string, unknown>>;
  extra: { socket: WsClientLike; request?: UpgradeRequestLike };
}

/** An `Error` as socket.io's `connect_error` delivers it: `message`, and `data` `{ code, message }`. */
export type ConnectError = Error & { data: SocketRefusal };

/** Close codes of a plain WebSocket closed by this library (the reason is the library's `code`). */
export const WS_CLOSE_UNAUTHORIZED = 4401;
/** The close code of a refusal because the revocation state or the key set cannot be read (RFC 6455 "try again later"). */
export const WS_CLOSE_TRY_AGAIN_LATER = 1013;
/** The close code of an anonymous graphql-ws connection that stayed idle too long (graphql-ws' own timeout code). */
export const WS_CLOSE_IDLE = 4408;
/** How long an anonymous graphql-ws connection may run no operation, by default. */
const DEFAULT_ANONYMOUS_IDLE_MS = 10_000;

const ACCESS: TokenPolicy = { type: 'access' };

/**
 * Authenticates sockets at their handshake and closes them when their token expires, or within a second of its
 * token, session or user being revoked (on any instance: the revocation feed tells each one). Messages on an accepted
 * socket still go through your guards (`JwtAuthGuard`, `FreshJwtGuard`...), which read the handshake's token, and
 * the decorators (`@CurrentIdentity()`...) work in gateway handlers.
 *
 * socket.io: call {@link protect} with the server in `afterInit`. A refused handshake is a `connect_error` on the
 * client whose `data` is `{ code, message }`. Plain `ws` (`@nestjs/platform-ws`): call {@link accept} in
 * `handleConnection`; a refused connection is closed with code 4401 (1013 for a 503) and the library's code as reason.
 *
 * @example
 * ```ts
 * @WebSocketGateway()
 * export class EventsGateway implements OnGatewayInit {
 *   constructor(private readonly sockets: SocketAuthenticator) {}
 *   afterInit(server: Server) {
 *     this.sockets.protect(server);
 *   }
 *   @SubscribeMessage('whoami')
 *   whoami(@CurrentIdentity() identity: string) {
 *     return { identity };
 *   }
 * }
 * ```
 */
@Injectable()
export class SocketAuthenticator implements OnModuleDestroy {
  private readonly connections: SocketConnections;
  private readonly stopListening: () => void;
  // One tracker per idle limit in use (an app passes one or two): bounded by the distinct limits it configures.
  private readonly anonymous = new Map<number, AnonymousConnections>();

  constructor(
    private readonly extractor: HeaderTokenExtractor,
    private readonly pipeline: VerificationPipeline,
    revocations: RevocationView,
  ) {
    this.connections = new SocketConnections((token) => revocations.isRevoked(token));
    this.stopListening = revocations.onRevocation((revocation) => this.connections.revoked(revocation));
  }

  /** How many authenticated sockets this instance watches. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** Authenticates every handshake of a socket.io server or namespace, and watches the accepted sockets. */
  protect(server: SocketIoServerLike, options: SocketAuthOptions = {}): void {
    server.use((socket, next) => {
      this.authenticate(socket, socket.handshake, options).then(
        (verified) => {
          if (verified !== undefined) this.watch(socket, verified, (code) => closeSocketIo(socket, code));
          next();
        },
        (error: unknown) => next(connectErrorOf(toAuthError(error))),
      );
    });
  }

  /**
   * Authenticates a plain `ws` client from its upgrade request (the `Authorization` header, or the query parameter
   * when enabled) and watches it; closes it (4401, or 1013) and answers `false` when it is refused.
   */
  async accept(client: WsClientLike, request: UpgradeRequestLike, options: SocketAuthOptions = {}): Promise<boolean> {
    const handshake: SocketHandshake = {
      headers: request.headers,
      query: queryOf(request.url),
      address: request.socket?.remoteAddress,
      url: request.url,
    };
    return this.acceptWs(client, () => this.authenticate(client, handshake, options));
  }

  /** Runs `authenticate`; watches the client when it passes, closes it with the refusal's code when not. */
  private async acceptWs(
    client: WsClientLike,
    authenticate: () => Promise<VerifiedToken | undefined>,
  ): Promise<boolean> {
    try {
      const verified = await authenticate();
      if (verified !== undefined) this.watch(client, verified, (code) => client.close(WS_CLOSE_UNAUTHORIZED, code));
      return true;
    } catch (error) {
      const refusal = toAuthError(error);
      const closeCode =
        refusal.getStatus() === HttpStatus.SERVICE_UNAVAILABLE ? WS_CLOSE_TRY_AGAIN_LATER : WS_CLOSE_UNAUTHORIZED;
      client.close(closeCode, refusal.code);
      return false;
    }
  }

  /**
   * For graphql-ws' `onConnect`: verifies the connection's `connectionParams` (`{ token }` or
   * `{ Authorization: 'Bearer …' }`, read as the guards read them in a subscription) before `connection_ack`. A
   * missing or bad token closes the connection at once with 4401 (1013 when the revocation state cannot be read), the
   * library's code as reason, and answers `false`; a good one is watched, and the connection closed (4401) when that
   * token expires or is revoked. With `{ optional: true }` a connection without a token is let in as anonymous (for
   * `@Public()` operations), and closed (4408) when, checked every `anonymousIdleMs`, it runs no operation.
   *
   * @example
   * ```ts
   * subscriptions: { 'graphql-ws': { onConnect: (context) => sockets.watchGraphqlWs(context) } }
   * ```
   */
  async watchGraphqlWs(connection: GraphqlWsConnectionLike, options: GraphqlWsAuthOptions = {}): Promise<boolean> {
    const client = connection.extra.socket;
    const request = graphqlWsRequest(connection, this.extractor);
    let verified: VerifiedToken | undefined;
    const accepted = await this.acceptWs(client, async () => {
      verified = await this.verifyRequest(request, { optional: options.optional, policy: options.policy });
      return verified;
    });
    if (accepted && verified === undefined) {
      this.anonymousTracker(options).admit(connection, client);
    }
    return accepted;
  }

  onModuleDestroy(): void {
    this.stopListening();
    this.connections.clear();
    for (const tracker of this.anonymous.values()) tracker.clear();
  }

  /** Verifies the handshake's token and records it for the socket; `undefined` for an anonymous optional one. */
  private async authenticate(
    socket: object,
    handshake: SocketHandshake,
    options: SocketAuthOptions,
  ): Promise<VerifiedToken | undefined> {
    return this.verifyRequest(socketRequest(socket, handshake, this.extractor, options.queryParameter), options);
  }

  /**
   * The handshake's token through the same pipeline as an HTTP request: verified, not revoked, accepted by
   * `verifyClaims`, a `refused` event for a refusal. Only the `Authorization` header the handshake carries (or was
   * built with), never a cookie: a browser sends cookies on a cross-site WebSocket upgrade too.
   */
  private async verifyRequest(request: ContextRequest, options: SocketAuthOptions): Promise<VerifiedToken | undefined> {
    const demand: TokenDemand = {
      policy: options.policy ?? ACCESS,
      optional: options.optional,
      // The header extractor's own answer: it says whether the token came as `DPoP <token>`.
      find: (handshake) => this.extractor.find(handshake),
      missingMessage: () => 'Missing authorization token',
    };
    return this.pipeline.verify(request, demand);
  }

  private anonymousTracker(options: GraphqlWsAuthOptions): AnonymousConnections {
    const idleMs = options.anonymousIdleMs ?? DEFAULT_ANONYMOUS_IDLE_MS;
    if (!Number.isInteger(idleMs) || idleMs < 1) {
      throw new TypeError('SocketAuthenticator: anonymousIdleMs must be a whole number of milliseconds >= 1');
    }
    let tracker = this.anonymous.get(idleMs);
    if (tracker === undefined) this.anonymous.set(idleMs, (tracker = new AnonymousConnections(idleMs, WS_CLOSE_IDLE)));
    return tracker;
  }

  private watch(socket: object, verified: VerifiedToken, close: (code: ClosingCode) => void): void {
    this.connections.track(socket, verified, close);
    const forget = () => this.connections.forget(socket);
    if ('handshake' in socket) (socket as SocketIoSocketLike).once('disconnect', forget);
    else (socket as WsClientLike).once('close', forget);
  }
}

/** The `Error` socket.io's `next()` turns into the client's `connect_error`. */
export function connectErrorOf(error: AuthError): ConnectError {
  return Object.assign(new Error(error.message), { data: socketRefusalOf(error) });
}

function closeSocketIo(socket: SocketIoSocketLike, code: ClosingCode): void {
  const message = code === 'token_expired' ? 'Token has expired' : 'Token has been revoked';
  // Sent before the close, so the client can tell a logout from a network drop; socket.io flushes it first.
  socket.emit('exception', { status: 'error', code, message });
  socket.disconnect(true);
}

function queryOf(url: string | undefined): Record<string, string> {
  const query: Record<string, string> = {};
  if (url === undefined) return query;
  for (const [name, value] of new URL(url, 'http://localhost').searchParams) query[name] = value;
  return query;
}
