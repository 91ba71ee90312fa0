import type { AuthError } from './auth-error.js';
import type { AuthErrorCode } from './auth-error-code.js';

/** What a socket is told of a refusal: the `connect_error` data of a refused handshake, or an `exception` event. */
export interface SocketRefusal {
  code: AuthErrorCode | (string & {});
  message: string;
}

/** The `{ code, message }` of a refusal on a socket: never the token, never a stack. */
export function socketRefusalOf(error: AuthError): SocketRefusal {
  return { code: error.code, message: error.message };
}

/**
 * Sends an `exception` event to a gateway client, the way Nest's `BaseWsExceptionFilter` does: socket.io sockets
 * `emit`, plain `ws` clients (a numeric `readyState`) are sent `{ event, data }` as JSON.
 */
export function emitSocketRefusal(client: unknown, error: AuthError): void {
  const data = { status: 'error', ...socketRefusalOf(error) };
  const socket = client as {
    readyState?: unknown;
    send?: (data: string) => void;
    emit?: (event: string, data: unknown) => void;
  };
  if (typeof socket?.readyState === 'number' && typeof socket.send === 'function') {
    // A closed socket cannot be told; there is nobody left to answer.
    if (socket.readyState === 1) socket.send(JSON.stringify({ event: 'exception', data }));
  } else if (typeof socket?.emit === 'function') socket.emit('exception', data);
}
