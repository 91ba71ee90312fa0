// The transports of the one verification pipeline, each called the same way: an HTTP route, a GraphQL query, a
// socket.io handshake and a plain ws handshake. Used by the suites that prove a pipeline step holds on all of them.
import { expect } from '@jest/globals';
import request from 'supertest';
import WebSocket from 'ws';
import { connectSocket, graphql } from './realtime.js';
import { bearer } from './tokens.js';

/** What one call through a transport came to: the identity it was served as, or the refusal's code. */
export type Outcome = { identity: string } | { refused: string };

/** Where the suite's apps listen. */
export interface Endpoints {
  /** The HTTP, GraphQL and socket.io app. */
  url: string;
  /** The plain `ws` gateway's URL. */
  wsUrl: string;
}

/** One transport: one call with an optional access token, checked for the transport's own refusal shape. */
export interface Transport {
  name: string;
  call(endpoints: Endpoints, token: string | undefined): Promise<Outcome>;
}

/** GET `path` with the token as a bearer: 200 `{ identity }`, or a 401 whose body carries the code. */
export async function overHttp(url: string, path: string, token: string | undefined): Promise<Outcome> {
  let req = request(url).get(path);
  if (token !== undefined) req = req.set(bearer(token));
  const res = await req;
  if (res.status === 200) return { identity: res.body.identity as string };
  expect([res.status, res.body.statusCode]).toEqual([401, 401]);
  return { refused: res.body.code as string };
}

/** `{ me { identity } }` over POST /graphql: the data, or the one error (no data) and its `extensions.authCode`. */
export async function overGraphql(url: string, token: string | undefined): Promise<Outcome> {
  const body = await graphql(url, '{ me { identity } }', token === undefined ? undefined : `Bearer ${token}`);
  expect(body.status).toBe(200);
  if (body.errors === undefined) return { identity: (body.data?.me as { identity: string }).identity };
  expect(body.errors).toHaveLength(1);
  expect(body.data ?? null).toBeNull();
  expect(body.errors[0]!.extensions?.code).toBe('UNAUTHENTICATED');
  return { refused: body.errors[0]!.extensions?.authCode as string };
}

/** A socket.io handshake with `auth.token`: `whoami` acknowledged once connected, or `connect_error` `data.code`. */
export async function overSocketIo(url: string, token: string | undefined): Promise<Outcome> {
  const handshake = await connectSocket(url, token === undefined ? {} : { token });
  if ('error' in handshake) {
    const data = handshake.error.data as { code: string; message: string };
    expect(typeof data.message).toBe('string');
    return { refused: data.code };
  }
  try {
    return (await handshake.socket.timeout(3000).emitWithAck('whoami', {})) as Outcome;
  } finally {
    handshake.socket.close();
  }
}

/**
 * A plain WebSocket with the token in `Authorization`: once told `ready`, `whoami`; resolved when the connection has
 * closed, with the identity (closed by the client) or the close reason of a refusal (code 4401).
 */
export function overPlainWs(url: string, token: string | undefined): Promise<Outcome> {
  const socket = new WebSocket(url, { headers: token === undefined ? {} : bearer(token) });
  let identity: string | undefined;
  return new Promise<Outcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('no ws outcome within 5 s'));
    }, 5000);
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { event: string; data?: { identity: string } };
      if (message.event === 'ready') socket.send(JSON.stringify({ event: 'whoami', data: {} }));
      if (message.event === 'whoami') {
        identity = message.data!.identity;
        socket.close();
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(timer);
      if (identity !== undefined) return resolve({ identity });
      try {
        expect(code).toBe(4401);
        resolve({ refused: reason.toString() });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/**
 * The transports of test/fixtures/pipeline.app.ts (its controller, resolver and gateways, whatever the options of the
 * app that mounts them).
 */
export const TRANSPORTS: Transport[] = [
  { name: 'HTTP guard (JwtAuthGuard)', call: ({ url }, token) => overHttp(url, '/pipeline/guard', token) },
  { name: 'GraphQL (JwtAuthGuard on a resolver)', call: ({ url }, token) => overGraphql(url, token) },
  { name: "passport (AuthGuard('jwt-access'))", call: ({ url }, token) => overHttp(url, '/pipeline/passport', token) },
  { name: 'RequestVerifier.verifyRequest', call: ({ url }, token) => overHttp(url, '/pipeline/manual', token) },
  { name: 'socket.io handshake (protect)', call: ({ url }, token) => overSocketIo(url, token) },
  { name: 'plain ws handshake (accept)', call: ({ wsUrl }, token) => overPlainWs(wsUrl, token) },
];
