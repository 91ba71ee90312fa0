/** A graphql-ws connection context: the operations graphql-ws runs on it, by id (`ctx.subscriptions`). */
interface OperationsOf {
  readonly subscriptions?: Readonly<Record<string, unknown>>;
}

/** Its socket. */
interface Closable {
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * The anonymous graphql-ws connections of this instance (those an app lets in without a token): every `idleMs`, one
 * running no operation is closed with `code`, so a client cannot hold sockets open for nothing. Whether it runs one
 * is read from graphql-ws' own record of them (`ctx.subscriptions`, emptied as each ends, however it ends). Bound: one
 * entry and one timer per open anonymous connection, gone when it closes.
 */
export class AnonymousConnections {
  private readonly timers = new Map<object, NodeJS.Timeout>();

  constructor(
    private readonly idleMs: number,
    private readonly code: number,
  ) {}

  /** How many anonymous connections are watched. */
  get size(): number {
    return this.timers.size;
  }

  /** Watches a connection let in without a token, from now. */
  admit(connection: OperationsOf, socket: Closable): void {
    socket.once('close', () => {
      clearTimeout(this.timers.get(connection));
      this.timers.delete(connection);
    });
    this.arm(connection, socket);
  }

  /** Stops every timer (the app is closing). */
  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(connection: OperationsOf, socket: Closable): void {
    const timer = setTimeout(() => {
      const running = connection.subscriptions !== undefined && Object.keys(connection.subscriptions).length > 0;
      if (running) this.arm(connection, socket);
      else socket.close(this.code, 'idle_timeout');
    }, this.idleMs);
    timer.unref();
    this.timers.set(connection, timer);
  }
}
