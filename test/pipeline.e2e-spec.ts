import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { SessionService, TokenService } from 'nest-jwt-extended';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import WebSocket from 'ws';
import { PipelineAppModule, PipelineWsAppModule, pipelineLog } from './fixtures/pipeline.app.js';
import { startFixtureApp } from './support/demo-server.js';
import { accessClaims, forge, now } from './support/forge.js';
import { connectSocket, graphql } from './support/realtime.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer } from './support/tokens.js';

/** What one call through a transport came to: the identity it was served as, or the refusal's code. */
type Outcome = { identity: string } | { refused: string };

/** Where the suite's apps listen. */
interface Endpoints {
  /** The HTTP, GraphQL and socket.io app. */
  url: string;
  /** The plain `ws` gateway's URL. */
  wsUrl: string;
}

/** One transport: one call with an optional access token, checked for the transport's own refusal shape. */
interface Transport {
  name: string;
  call(endpoints: Endpoints, token: string | undefined): Promise<Outcome>;
}

/** GET `path` with the token as a bearer: 200 `{ identity }`, or a 401 whose body carries the code. */
async function overHttp(url: string, path: string, token: string | undefined): Promise<Outcome> {
  let req = request(url).get(path);
  if (token !== undefined) req = req.set(bearer(token));
  const res = await req;
  if (res.status === 200) return { identity: res.body.identity as string };
  expect([res.status, res.body.statusCode]).toEqual([401, 401]);
  return { refused: res.body.code as string };
}

/** `{ me { identity } }` over POST /graphql: the data, or the one error (no data) and its `extensions.authCode`. */
async function overGraphql(url: string, token: string | undefined): Promise<Outcome> {
  const body = await graphql(url, '{ me { identity } }', token === undefined ? undefined : `Bearer ${token}`);
  expect(body.status).toBe(200);
  if (body.errors === undefined) return { identity: (body.data?.me as { identity: string }).identity };
  expect(body.errors).toHaveLength(1);
  expect(body.data ?? null).toBeNull();
  expect(body.errors[0]!.extensions?.code).toBe('UNAUTHENTICATED');
  return { refused: body.errors[0]!.extensions?.authCode as string };
}

/** A socket.io handshake with `auth.token`: `whoami` acknowledged once connected, or `connect_error` `data.code`. */
async function overSocketIo(url: string, token: string | undefined): Promise<Outcome> {
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
function overPlainWs(url: string, token: string | undefined): Promise<Outcome> {
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

const TRANSPORTS: Transport[] = [
  { name: 'HTTP guard (JwtAuthGuard)', call: ({ url }, token) => overHttp(url, '/pipeline/guard', token) },
  { name: 'GraphQL (JwtAuthGuard on a resolver)', call: ({ url }, token) => overGraphql(url, token) },
  { name: "passport (AuthGuard('jwt-access'))", call: ({ url }, token) => overHttp(url, '/pipeline/passport', token) },
  { name: 'RequestVerifier.verifyRequest', call: ({ url }, token) => overHttp(url, '/pipeline/manual', token) },
  { name: 'socket.io handshake (protect)', call: ({ url }, token) => overSocketIo(url, token) },
  { name: 'plain ws handshake (accept)', call: ({ wsUrl }, token) => overPlainWs(wsUrl, token) },
];

/** A secret the apps do not know: a token signed with it is forged. */
const OTHER_SECRET = 'another-secret-nobody-configured-0123456789abcdef';

/**
 * Every refusal the suite sends through every transport: its code, and how many times `isTokenRevoked` is asked
 * (extract → verify → CSRF → revocation → verifyClaims: a token refused before revocation is never asked about, a
 * token revoked or refused by verifyClaims is asked about once).
 */
const REFUSALS: Array<{ code: string; checks: number; token: (tokens: TokenService) => string | undefined }> = [
  { code: 'authorization_required', checks: 0, token: () => undefined },
  {
    code: 'token_expired',
    checks: 0,
    token: () => forge(accessClaims({ sub: 'alice', iat: now() - 1000, nbf: now() - 1000, exp: now() - 500 })),
  },
  { code: 'invalid_token', checks: 0, token: () => forge(accessClaims({ sub: 'alice' }), { secret: OTHER_SECRET }) },
  { code: 'token_revoked', checks: 1, token: (tokens) => tokens.createAccessToken('revoked-user') },
  { code: 'user_blocked', checks: 1, token: (tokens) => tokens.createAccessToken('blocked') },
];

describe.each(ADAPTERS)('one verification pipeline behind every transport, on %s', (adapter) => {
  let app: INestApplication;
  let wsApp: INestApplication;
  let tokens: TokenService;
  const endpoints: Endpoints = { url: '', wsUrl: '' };

  beforeAll(async () => {
    ({ app } = await startFixtureApp(PipelineAppModule, adapter));
    ({ app: wsApp } = await startFixtureApp(PipelineWsAppModule, adapter, {
      beforeListen: (created) => created.useWebSocketAdapter(new WsAdapter(created)),
    }));
    endpoints.url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    endpoints.wsUrl = (await wsApp.getUrl()).replace(/^http/, 'ws').replace('[::1]', '127.0.0.1') + '/ws';
    // Both apps verify with the same secret: a token minted by one is good for the other.
    tokens = app.get(TokenService);
  });
  afterAll(async () => {
    await Promise.all([app?.close(), wsApp?.close()]);
  });
  beforeEach(() => pipelineLog.reset());

  describe.each(TRANSPORTS.map((transport) => [transport.name, transport] as const))('%s', (_name, transport) => {
    it('accepts alice: verifyClaims passes her, isTokenRevoked is asked exactly once, no event', async () => {
      expect(await transport.call(endpoints, tokens.createAccessToken('alice'))).toEqual({ identity: 'alice' });
      expect(pipelineLog.revocationChecks).toBe(1);
      expect(pipelineLog.events).toEqual([]);
    });

    it.each(REFUSALS)(
      'refuses with $code: exactly one refused event, isTokenRevoked asked $checks time(s)',
      async ({ code, checks, token }) => {
        expect(await transport.call(endpoints, token(tokens))).toEqual({ refused: code });
        expect(pipelineLog.events).toHaveLength(1);
        expect(pipelineLog.events[0]).toMatchObject({ type: 'refused', code, status: 401 });
        expect(pipelineLog.revocationChecks).toBe(checks);
      },
    );
  });

  it('names the blocked user in the refused event of a verifyClaims refusal, on every transport', async () => {
    for (const transport of TRANSPORTS) {
      pipelineLog.reset();
      expect([transport.name, await transport.call(endpoints, tokens.createAccessToken('blocked'))]).toEqual([
        transport.name,
        { refused: 'user_blocked' },
      ]);
      expect([transport.name, pipelineLog.events]).toEqual([
        transport.name,
        [expect.objectContaining({ type: 'refused', code: 'user_blocked', status: 401, identity: 'blocked' })],
      ]);
    }
  });

  it('checks a refresh token once: one store lookup and one isTokenRevoked call per refresh', async () => {
    const sessions = app.get(SessionService);
    const { refreshToken } = await sessions.start('alice');
    pipelineLog.reset();
    const res = await request(endpoints.url).post('/pipeline/refresh').set(bearer(refreshToken!)).expect(200);
    expect(typeof res.body.access_token).toBe('string');
    expect({ store: pipelineLog.storeChecks, callback: pipelineLog.revocationChecks }).toEqual({
      store: 1,
      callback: 1,
    });
    expect(pipelineLog.events.map((event) => event.type)).toEqual(['refresh']);

    const revoked = await sessions.start('revoked-user');
    pipelineLog.reset();
    const refused = await request(endpoints.url)
      .post('/pipeline/refresh')
      .set(bearer(revoked.refreshToken!))
      .expect(401);
    expect(refused.body.code).toBe('token_revoked');
    expect({ store: pipelineLog.storeChecks, callback: pipelineLog.revocationChecks }).toEqual({
      store: 1,
      callback: 1,
    });
    expect(pipelineLog.events).toEqual([expect.objectContaining({ type: 'refused', code: 'token_revoked' })]);
  });

  it('verifies a socket.io handshake once, and each guarded message of the socket once more', async () => {
    const handshake = await connectSocket(endpoints.url, { token: tokens.createAccessToken('alice') });
    if ('error' in handshake) throw new Error(`handshake refused: ${JSON.stringify(handshake.error.data)}`);
    const socket: Socket = handshake.socket;
    try {
      expect(pipelineLog.revocationChecks).toBe(1);
      expect(await socket.timeout(3000).emitWithAck('whoami', {})).toEqual({ identity: 'alice' });
      expect(pipelineLog.revocationChecks).toBe(1);
      expect(await socket.timeout(3000).emitWithAck('guardedWhoami', {})).toEqual({ identity: 'alice' });
      expect(pipelineLog.revocationChecks).toBe(2);
      expect(await socket.timeout(3000).emitWithAck('guardedWhoami', {})).toEqual({ identity: 'alice' });
      expect(pipelineLog.revocationChecks).toBe(3);
      expect(pipelineLog.events).toEqual([]);
    } finally {
      socket.close();
    }
  });
});
