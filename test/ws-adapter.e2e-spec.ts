import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { RevocationService, TokenService } from 'nest-jwt-extended';
import WebSocket from 'ws';
import { PlainWsAppModule } from './fixtures/ws-gateway.app.js';
import { startFixtureApp } from './support/demo-server.js';
import { refusedTokens } from './support/realtime.js';
import { ADAPTERS } from './support/test-env.js';

/** A client of the plain `ws` gateway: its messages as they come, and how it closed. */
interface Client {
  messages: Array<{ event: string; data?: unknown }>;
  closed: Promise<{ code: number; reason: string }>;
  ready(): Promise<unknown>;
  send(event: string): void;
  next(event: string): Promise<unknown>;
  close(): void;
}

function connect(url: string, headers: Record<string, string> = {}): Client {
  const socket = new WebSocket(url, { headers });
  const messages: Client['messages'] = [];
  const waiting: Array<() => void> = [];
  socket.on('message', (raw: Buffer) => {
    messages.push(JSON.parse(raw.toString()) as Client['messages'][number]);
    for (const wake of waiting.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  async function next(event: string): Promise<unknown> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const found = messages.find((message) => message.event === event);
      if (found !== undefined) {
        messages.splice(messages.indexOf(found), 1);
        return found.data;
      }
      if (Date.now() > deadline) throw new Error(`no ${event} message within 3 s: ${JSON.stringify(messages)}`);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
  return {
    messages,
    closed,
    ready: () => next('ready'),
    send: (event) => sendWhenOpen(socket, event),
    next,
    close: () => socket.close(),
  };
}

function sendWhenOpen(socket: WebSocket, event: string): void {
  const send = () => socket.send(JSON.stringify({ event, data: {} }));
  if (socket.readyState === WebSocket.OPEN) send();
  else socket.once('open', send);
}

describe.each(ADAPTERS)('a gateway on the plain ws adapter, on %s', (adapter) => {
  let app: INestApplication;
  let url: string;
  let tokens: TokenService;

  beforeAll(async () => {
    ({ app } = await startFixtureApp(PlainWsAppModule, adapter, {
      beforeListen: (created) => created.useWebSocketAdapter(new WsAdapter(created)),
    }));
    url = (await app.getUrl()).replace(/^http/, 'ws').replace('[::1]', '127.0.0.1') + '/ws';
    tokens = app.get(TokenService);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('accepts the Authorization header, runs the guards and decorators on every message', async () => {
    const client = connect(url, { Authorization: `Bearer ${tokens.createAccessToken('alice', { fresh: true })}` });
    await client.ready();
    client.send('whoami');
    expect(await client.next('whoami')).toEqual({ identity: 'alice', fresh: true });
    client.send('critical');
    expect(await client.next('critical')).toEqual({ identity: 'alice' });
    client.close();
  });

  it('refuses a fresh-only message with a non-fresh token as an exception event with the code', async () => {
    const client = connect(url, { Authorization: `Bearer ${tokens.createAccessToken('alice', { fresh: false })}` });
    await client.ready();
    client.send('critical');
    expect(await client.next('exception')).toEqual({
      status: 'error',
      code: 'fresh_token_required',
      message: 'Fresh token required',
    });
    client.close();
  });

  it('takes the query parameter it was told to', async () => {
    const client = connect(`${url}?access_token=${tokens.createAccessToken('bob')}`);
    await client.ready();
    client.send('whoami');
    expect(await client.next('whoami')).toEqual({ identity: 'bob', fresh: false });
    client.close();
  });

  it('closes a refused connection with 4401 and the code as reason', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['authorization_required', {}],
      ['invalid_authorization_header', { Authorization: 'Basic abc' }],
      ['invalid_token', { Authorization: 'Bearer not.a.token' }],
      ['wrong_token_type', { Authorization: `Bearer ${tokens.createRefreshToken('alice')}` }],
      ...Object.entries(refusedTokens()).map(([code, token]): [string, Record<string, string>] => [
        code,
        { Authorization: `Bearer ${token}` },
      ]),
    ];
    for (const [code, headers] of cases)
      expect([code, await connect(url, headers).closed]).toEqual([code, { code: 4401, reason: code }]);
  });

  it('closes the connection with 4401 token_revoked when its token is revoked', async () => {
    const token = tokens.createAccessToken('carol');
    const client = connect(url, { Authorization: `Bearer ${token}` });
    await client.ready();
    await app.get(RevocationService).revokeToken(tokens.verifyToken(token));
    expect(await client.closed).toEqual({ code: 4401, reason: 'token_revoked' });
  });
});
