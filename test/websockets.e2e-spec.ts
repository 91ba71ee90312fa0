import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { demoEnv } from './support/demo-pool.js';
import { connectSocket, disconnection, type Handshake, refusedTokens } from './support/realtime.js';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from './support/redis.js';
import { ADAPTERS, EVENT_BUDGET_MS, startUpTimeout } from './support/test-env.js';
import { bearer, login } from './support/tokens.js';

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('sockets');
/** The access-token lifetime of the demo that tests expiry. */
const SHORT_LIFETIME_S = 2;

function connected(handshake: Handshake): Socket {
  if ('error' in handshake) throw new Error(`handshake refused: ${JSON.stringify(handshake.error.data)}`);
  return handshake.socket;
}

function refusal(handshake: Handshake): unknown {
  if ('socket' in handshake) {
    handshake.socket.close();
    throw new Error('handshake accepted');
  }
  return handshake.error.data;
}

/** The `exception` events a socket receives, as they come. */
function exceptions(socket: Socket): unknown[] {
  const received: unknown[] = [];
  socket.on('exception', (data) => received.push(data));
  return received;
}

describe.each(ADAPTERS)('socket.io gateway on %s', (adapter) => {
  let demo: DemoProcess;
  let shortLived: DemoProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [demo, shortLived] = await Promise.all([
      DemoProcess.start(demoEnv(adapter, {})),
      DemoProcess.start(demoEnv(adapter, { JWT_ACCESS_TOKEN_EXPIRES: String(SHORT_LIFETIME_S) })),
    ]);
  }, startUpTimeout());
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([demo?.stop(), shortLived?.stop()]);
  });

  async function open(url: string, token: string): Promise<Socket> {
    const socket = connected(await connectSocket(url, { token }));
    sockets.push(socket);
    return socket;
  }

  it('accepts auth.token at the handshake and acknowledges whoami with { identity, fresh }', async () => {
    const { access, refresh } = await login(request(demo.url));
    const socket = await open(demo.url, access);
    expect(await socket.timeout(3000).emitWithAck('whoami', {})).toEqual({ identity: 'test', fresh: true });
    const stale = (await request(demo.url).post('/refresh').set(bearer(refresh)).expect(200)).body.access_token;
    const other = await open(demo.url, stale);
    expect(await other.timeout(3000).emitWithAck('whoami', {})).toEqual({ identity: 'test', fresh: false });
  });

  it('takes the Authorization header when auth.token is absent, and never the query', async () => {
    const { access } = await login(request(demo.url));
    const socket = connected(await connectSocket(demo.url, { headers: { Authorization: `Bearer ${access}` } }));
    sockets.push(socket);
    expect(await socket.timeout(3000).emitWithAck('whoami', {})).toEqual({ identity: 'test', fresh: true });
    expect(refusal(await connectSocket(demo.url, { query: { token: access } }))).toEqual({
      code: 'authorization_required',
      message: 'Missing authorization token',
    });
  });

  it('refuses a bad handshake with connect_error data { code, message }, never echoing the token', async () => {
    const { access, refresh } = await login(request(demo.url));
    const cases: Array<[string, Parameters<typeof connectSocket>[1]]> = [
      ['authorization_required', {}],
      ['invalid_authorization_header', { headers: { Authorization: 'Basic abc' } }],
      // A browser sends cookies with a WebSocket upgrade from any site: they never authenticate a socket.
      ['authorization_required', { headers: { Cookie: `access_token_cookie=${access}` } }],
      ['wrong_token_type', { token: refresh }],
      ...Object.entries(refusedTokens()).map(([code, token]): [string, { token: string }] => [code, { token }]),
    ];
    for (const [code, options] of cases) {
      const data = refusal(await connectSocket(demo.url, options)) as { code: string; message: string };
      expect([code, Object.keys(data).sort(), data.code]).toEqual([code, ['code', 'message'], code]);
      if (typeof options?.token === 'string') expect(data.message).not.toContain(options.token);
    }
    await request(demo.url).post('/logout').set(bearer(access)).expect(200);
    expect(refusal(await connectSocket(demo.url, { token: access }))).toEqual({
      code: 'token_revoked',
      message: 'Token has been revoked',
    });
  });

  it('runs the guards on every message: a fresh-only event refuses a non-fresh token with an exception event', async () => {
    const { access, refresh } = await login(request(demo.url));
    const fresh = await open(demo.url, access);
    expect(await fresh.timeout(3000).emitWithAck('criticalAction', {})).toEqual({ identity: 'test' });
    const stale = (await request(demo.url).post('/refresh').set(bearer(refresh)).expect(200)).body.access_token;
    const socket = await open(demo.url, stale);
    const received = exceptions(socket);
    socket.emit('criticalAction', {});
    for (let waited = 0; received.length === 0 && waited < 3000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([{ status: 'error', code: 'fresh_token_required', message: 'Fresh token required' }]);
    expect(socket.connected).toBe(true);
  });

  // Its token lives 15 minutes: a socket closed within EVENT_BUDGET_MS was closed by the logout, not by the expiry.
  it('disconnects the socket on POST /logout of its session, and only that one', async () => {
    const mine = await login(request(demo.url));
    const other = await login(request(demo.url));
    const socket = await open(demo.url, mine.access);
    const bystander = await open(demo.url, other.access);
    const received = exceptions(socket);
    const closed = disconnection(socket, EVENT_BUDGET_MS);
    await request(demo.url).post('/logout').set(bearer(mine.access)).expect(200);
    const { reason } = await closed;
    expect(reason).toBe('io server disconnect');
    expect(received).toEqual([{ status: 'error', code: 'token_revoked', message: 'Token has been revoked' }]);
    expect(await bystander.timeout(3000).emitWithAck('whoami', {})).toEqual({ identity: 'test', fresh: true });
  });

  it('disconnects every socket of the user on POST /logout/all', async () => {
    const first = await login(request(demo.url));
    const second = await login(request(demo.url));
    const sockets = [await open(demo.url, first.access), await open(demo.url, second.access)];
    const closed = sockets.map((socket) => disconnection(socket, EVENT_BUDGET_MS));
    await request(demo.url).post('/logout/all').set(bearer(first.access)).expect(200);
    for (const { reason } of await Promise.all(closed)) expect(reason).toBe('io server disconnect');
  });

  it('disconnects the socket when its token expires', async () => {
    const { access } = await login(request(shortLived.url));
    const socket = await open(shortLived.url, access);
    const received = exceptions(socket);
    expect(await socket.timeout(1000).emitWithAck('whoami', {})).toEqual({ identity: 'test', fresh: true });
    const { reason } = await disconnection(socket, (SHORT_LIFETIME_S + 2) * 1000);
    expect(reason).toBe('io server disconnect');
    expect(received).toEqual([{ status: 'error', code: 'token_expired', message: 'Token has expired' }]);
  });
});

describeRedis.each(ADAPTERS)('socket.io gateway on two instances sharing Redis, on %s', (adapter) => {
  let a: DemoProcess;
  let b: DemoProcess;

  beforeAll(async () => {
    const env = demoEnv(adapter, { REDIS_URL, REDIS_KEY_PREFIX: `${prefix}${adapter}:` });
    [a, b] = await Promise.all([DemoProcess.start(env), DemoProcess.start(env)]);
  }, startUpTimeout());
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await deleteKeys(prefix);
  });

  // Only the feed tells B of the logout on A, and the token lives 15 minutes: see the test above.
  it('disconnects a socket on B on a logout on A', async () => {
    const { access } = await login(request(a.url));
    const socket = connected(await connectSocket(b.url, { token: access }));
    try {
      const closed = disconnection(socket, EVENT_BUDGET_MS);
      await request(a.url).post('/logout').set(bearer(access)).expect(200);
      const { reason } = await closed;
      expect(reason).toBe('io server disconnect');
    } finally {
      socket.close();
    }
  });
});
