// The WebSocket support, the package's `nest-jwt-extended/websockets` entry point: kept out of the main entry so that
// an HTTP-only app never loads @nestjs/websockets (an optional peer).
import { WsException } from '@nestjs/websockets';
import { setSocketRefusalFactory } from './context/context-refusal.js';

// From now on a guard's refusal in a gateway is a WsException, which Nest sends the client as the `exception` event
// `{ status: 'error', code, message }` (without it, Nest would answer "Internal server error").
setSocketRefusalFactory((refusal) => new WsException(refusal));

export {
  SocketAuthenticator,
  WS_CLOSE_TRY_AGAIN_LATER,
  WS_CLOSE_UNAUTHORIZED,
  WS_CLOSE_IDLE,
  connectErrorOf,
  type ConnectError,
  type GraphqlWsConnectionLike,
  type SocketAuthOptions,
  type SocketIoServerLike,
  type SocketIoSocketLike,
  type UpgradeRequestLike,
  type WsClientLike,
} from './websockets/socket-authenticator.js';
export type { SocketRefusal } from './errors/socket-refusal.js';
export type { GraphqlWsAuthOptions } from './websockets/graphql-ws-auth-options.js';
