import type { JsonWebKey, KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the server does with a request for the key set. */
export type JwksServerMode =
  /** 200 with the current keys. */
  | 'ok'
  /** 500 with a JSON error. */
  | 'error'
  /** 200 with a body that is not JSON. */
  | 'garbage'
  /** Accepts the request and never answers. */
  | 'hang';

/** The public JWK of `key`, with `kid`, `alg` and `use` as a JWKS publishes it. */
export function publicJwk(key: KeyObject, kid: string, alg: string): JsonWebKey {
  return { ...key.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

/**
 * A JWKS endpoint under the test's control (node:http): what it serves and how it fails can change between requests,
 * and it counts the requests it gets. `down()` stops listening (connections are refused), `up()` listens again on the
 * same port.
 */
export class JwksServer {
  /** The keys served in mode 'ok'. */
  keys: JsonWebKey[] = [];
  mode: JwksServerMode = 'ok';
  /** Every request received, with its arrival time (performance.now()). */
  readonly requests: Array<{ url: string; at: number }> = [];
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server;
  private port = 0;

  private constructor() {
    this.server = this.create();
  }

  static async start(): Promise<JwksServer> {
    const jwks = new JwksServer();
    await jwks.listen();
    return jwks;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  get requestCount(): number {
    return this.requests.length;
  }

  /** Arrival time of the last request, or -Infinity. */
  get lastRequestAt(): number {
    return this.requests.at(-1)?.at ?? -Infinity;
  }

  /** Stops listening and drops every connection: fetches are refused until up(). */
  async down(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again, on the same port. */
  async up(): Promise<void> {
    this.server = this.create();
    await this.listen();
  }

  async stop(): Promise<void> {
    if (this.server.listening) await this.down();
  }

  private create(): Server {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 1000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push({ url: req.url ?? '', at: performance.now() });
    switch (this.mode) {
      case 'ok':
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
        return;
      case 'error':
        res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"internal"}');
        return;
      case 'garbage':
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('<html>not a key set</html>');
        return;
      case 'hang':
        this.hanging.add(res);
        res.once('close', () => this.hanging.delete(res));
        return;
    }
  }

  private dropConnections(): void {
    for (const res of this.hanging) res.destroy();
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
  }
}
