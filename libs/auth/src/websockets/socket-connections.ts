import type { Revocation } from '../revocation/revocation-store.interface.js';
import { sessionIdOf } from '../revocation/token-session.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';

/** setTimeout's longest delay; a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a connection is closed. */
export type ClosingCode = typeof AuthErrorCode.TokenExpired | typeof AuthErrorCode.TokenRevoked;

/** One open, authenticated connection. */
interface Connection {
  readonly token: VerifiedToken;
  readonly close: (code: ClosingCode) => void;
  timer?: NodeJS.Timeout;
}

/**
 * The authenticated connections of this instance, indexed by what a revocation names (token, session, user), each
 * with a timer at its token's expiry. Memory is one entry per open connection; a closed one is forgotten.
 */
export class SocketConnections {
  private readonly connections = new Map<object, Connection>();
  private readonly byKey = new Map<string, Set<object>>();

  constructor(private readonly isRevoked: (token: VerifiedToken) => boolean) {}

  get size(): number {
    return this.connections.size;
  }

  /** Tracks `socket` until {@link forget}; `close` is called once, at expiry or on a revocation that covers it. */
  track(socket: object, token: VerifiedToken, close: (code: ClosingCode) => void): void {
    this.forget(socket);
    const connection: Connection = { token, close };
    this.connections.set(socket, connection);
    for (const key of keysOf(token)) {
      let sockets = this.byKey.get(key);
      if (sockets === undefined) this.byKey.set(key, (sockets = new Set()));
      sockets.add(socket);
    }
    this.scheduleExpiry(socket, connection);
  }

  forget(socket: object): void {
    const connection = this.connections.get(socket);
    if (connection === undefined) return;
    clearTimeout(connection.timer);
    this.connections.delete(socket);
    for (const key of keysOf(connection.token)) {
      const sockets = this.byKey.get(key);
      sockets?.delete(socket);
      if (sockets?.size === 0) this.byKey.delete(key);
    }
  }

  /** Closes the connections a revocation covers (the view has applied it: it answers for `iat` and windows). */
  revoked(revocation: Revocation): void {
    const keys =
      revocation.kind === 'user'
        ? [`user:${revocation.id}`, ...(revocation.sessionIds ?? []).map((id) => `session:${id}`)]
        : [`${revocation.kind}:${revocation.id}`];
    for (const key of keys)
      for (const socket of [...(this.byKey.get(key) ?? [])]) {
        const connection = this.connections.get(socket);
        if (connection !== undefined && this.isRevoked(connection.token)) this.end(socket, AuthErrorCode.TokenRevoked);
      }
  }

  /** Forgets every connection without closing it (shutdown closes them anyway). */
  clear(): void {
    for (const socket of [...this.connections.keys()]) this.forget(socket);
  }

  private scheduleExpiry(socket: object, connection: Connection): void {
    const exp = connection.token.claims.exp;
    if (typeof exp !== 'number') return;
    const left = exp * 1000 - Date.now();
    if (left <= 0) return this.end(socket, AuthErrorCode.TokenExpired);
    connection.timer = setTimeout(() => this.scheduleExpiry(socket, connection), Math.min(left, MAX_TIMER_MS));
    connection.timer.unref();
  }

  private end(socket: object, code: ClosingCode): void {
    const connection = this.connections.get(socket);
    if (connection === undefined) return;
    this.forget(socket);
    connection.close(code);
  }
}

function keysOf(token: VerifiedToken): string[] {
  return [`token:${token.claims.jti}`, `session:${sessionIdOf(token.claims)}`, `user:${token.identity}`];
}
