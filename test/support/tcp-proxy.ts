import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { sparePort } from './redis.js';

/**
 * A TCP proxy on 127.0.0.1 to another local port, that a test can cut (every connection dropped, new ones refused,
 * as a partition that resets connections would), silence (bytes dropped both ways, connections left open, as a
 * partition that drops packets would) and heal (listening again on the same port).
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private silent = false;

  private constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  /** Listens on a spare port; one taken between the probe and the listen (parallel workers) is tried again once. */
  static async start(target: number): Promise<TcpProxy> {
    for (let attempt = 1; ; attempt += 1) {
      const proxy = new TcpProxy(await sparePort(), target);
      try {
        await proxy.heal();
        return proxy;
      } catch (error) {
        if (attempt >= 2 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Listens (again): new connections reach the target. Connections silenced before are dropped, as TCP would. */
  async heal(): Promise<void> {
    if (this.silent) {
      this.silent = false;
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    }
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.target });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.once('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      // Not pipe(): silence() must be able to drop bytes without closing anything.
      client.on('data', (chunk: Buffer) => void (this.silent || upstream.write(chunk)));
      upstream.on('data', (chunk: Buffer) => void (this.silent || client.write(chunk)));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Drops every connection through the proxy and refuses new ones until {@link heal}. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops every byte both ways from now on, closing nothing: the peers notice only by their own timeouts. */
  silence(): void {
    this.silent = true;
  }
}
