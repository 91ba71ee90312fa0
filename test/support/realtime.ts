import { createClient } from 'graphql-ws';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import WebSocket from 'ws';
import { accessClaims, forge, now } from './forge.js';

/** One GraphQL error as the demo answers it. */
export interface GraphQLErrorBody {
  message: string;
  extensions?: Record<string, unknown>;
}

/** POST /graphql with an optional Authorization header; the parsed body. */
export async function graphql(
  url: string,
  query: string,
  authorization?: string,
): Promise<{ status: number; data?: Record<string, unknown> | null; errors?: GraphQLErrorBody[] }> {
  let req = request(url).post('/graphql').set('Content-Type', 'application/json');
  if (authorization !== undefined) req = req.set('Authorization', authorization);
  const res = await req.send({ query });
  return { status: res.status, ...res.body };
}

/** Runs one subscription over graphql-ws until its first event or error. */
export async function subscribeOnce(
  url: string,
  query: string,
  connectionParams: Record<string, unknown>,
): Promise<{ data?: unknown; errors?: GraphQLErrorBody[] }> {
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no subscription event within 5 s')), 5000);
      client.subscribe(
        { query },
        {
          next: (value) => {
            clearTimeout(timer);
            resolve(value as { data?: unknown; errors?: GraphQLErrorBody[] });
          },
          error: (error) => {
            clearTimeout(timer);
            if (Array.isArray(error)) resolve({ errors: error as GraphQLErrorBody[] });
            else reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
          complete: () => undefined,
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

/** An open graphql-ws connection (acknowledged), and how it ends. */
export interface GraphqlWsConnection {
  closed: Promise<{ code: number; reason: string }>;
  /** `closed`, or a rejection if the connection is still open after `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

/** Opens a graphql-ws connection with `connectionParams` and waits for its acknowledgement. */
export async function openGraphqlWs(
  url: string,
  connectionParams: Record<string, unknown>,
): Promise<GraphqlWsConnection> {
  let onClosed!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  let onConnected!: () => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: {
      connected: () => onConnected(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        onClosed({ code, reason: String(reason) });
      },
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connected,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no connection_ack within 5 s')), 5000))),
    ]);
  } catch (error) {
    await client.dispose(); // given up on: not left connecting
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    closed,
    closedWithin: (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const open = new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs)),
      );
      return Promise.race([closed, open]).finally(() => clearTimeout(timer));
    },
    dispose: () => Promise.resolve(client.dispose()),
  };
}

/** How a graphql-ws connection ended that the server refused: its close, and whether it was acknowledged first. */
export interface GraphqlWsRefusal {
  code: number;
  reason: string;
  acknowledged: boolean;
}

/**
 * Opens a raw graphql-ws connection (`graphql-transport-ws`), sends `connection_init` with `payload` and waits for the
 * server to close it; rejects if it is still open after `timeoutMs` (a bound on the wait, not a measure of speed).
 */
export function graphqlWsRefusal(
  url: string,
  payload: Record<string, unknown>,
  timeoutMs: number,
): Promise<GraphqlWsRefusal> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  let acknowledged = false;
  return new Promise<GraphqlWsRefusal>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`still open after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type?: string }).type === 'connection_ack') acknowledged = true;
    });
    socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString(), acknowledged });
    });
    socket.on('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The outcome of a socket.io handshake. */
export type Handshake = { socket: Socket } | { error: Error & { data?: unknown } };

/** Connects a socket.io client (websocket transport, no reconnection) and waits for `connect` or `connect_error`. */
export function connectSocket(
  url: string,
  options: { token?: unknown; headers?: Record<string, string>; query?: Record<string, string> } = {},
): Promise<Handshake> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.token === undefined ? {} : { token: options.token },
    extraHeaders: options.headers,
    query: options.query,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close(); // given up on: not left connecting
      reject(new Error('no handshake outcome within 5 s'));
    }, 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ socket });
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      resolve({ error });
    });
  });
}

/** Resolves with the reason and the time (ms after the call) a socket is disconnected, or rejects after `timeoutMs`. */
export function disconnection(socket: Socket, timeoutMs: number): Promise<{ reason: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    if (socket.disconnected) return resolve({ reason: 'already disconnected', ms: 0 });
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve({ reason, ms: performance.now() - started });
    });
  });
}

/** Tokens for the refusals a guard can answer, signed with the demo's test secret. */
export function refusedTokens(): Record<string, string> {
  return {
    invalid_token: 'not.a.token',
    token_expired: forge(accessClaims({ iat: now() - 1000, nbf: now() - 1000, exp: now() - 500 })),
    token_not_yet_valid: forge(accessClaims({ nbf: now() + 600 })),
    wrong_token_type: forge(accessClaims({ type: 'refresh' })),
  };
}
