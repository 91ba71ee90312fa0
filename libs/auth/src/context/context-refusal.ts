import { type ExecutionContext, IntrinsicException } from '@nestjs/common';
import type { AuthError } from '../errors/auth-error.js';
import { GraphQLAuthError } from '../errors/graphql-auth-error.js';
import { emitSocketRefusal, socketRefusalOf, type SocketRefusal } from '../errors/socket-refusal.js';

/** Turns a refusal into the error a gateway's exception handler sends as `exception { status, code, message }`. */
export type SocketRefusalFactory = (refusal: SocketRefusal & { status: 'error' }) => Error;

// Set by `nest-jwt-extended/websockets` when it is loaded: it builds Nest's WsException, which this entry cannot import
// (an HTTP-only app has no @nestjs/websockets).
let socketRefusalFactory: SocketRefusalFactory | undefined;

/** Called once by the websockets entry point (`undefined` puts the fallback back, for tests). */
export function setSocketRefusalFactory(factory: SocketRefusalFactory | undefined): void {
  socketRefusalFactory = factory;
}

/**
 * The error a guard throws outside HTTP: a {@link GraphQLAuthError} in a resolver; in a gateway, the WsException that
 * Nest sends the client as an `exception` event `{ status: 'error', code, message }`. Other transports get the
 * {@link AuthError} itself.
 */
export function refusalOutsideHttp(error: AuthError, context: ExecutionContext): Error {
  const type = context.getType<string>();
  if (type === 'graphql') return new GraphQLAuthError(error);
  if (type !== 'ws') return error;
  if (socketRefusalFactory !== undefined) return socketRefusalFactory({ status: 'error', ...socketRefusalOf(error) });
  // Without the websockets entry point, the client is told here; Nest then adds its generic "Internal server error"
  // event for an error it does not know, and does not log it (an IntrinsicException).
  emitSocketRefusal(context.getArgByIndex(0), error);
  return new IntrinsicException(error.message);
}
