import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { calculateThumbprint, generateKeyPair, generateProof } from 'dpop';
import { AuthModule } from '../auth.module.js';
import { RevocationService } from '../revocation/revocation.service.js';
import { TokenService } from '../tokens/token.service.js';
import {
  type SocketIoServerLike,
  type SocketIoSocketLike,
  SocketAuthenticator,
  WS_CLOSE_IDLE,
  WS_CLOSE_UNAUTHORIZED,
} from './socket-authenticator.js';

class FakeWsClient extends EventEmitter {
  readyState = 1;
  closed?: { code?: number; reason?: string };
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
    this.emit('close');
  }
}

class FakeSocketIo extends EventEmitter implements SocketIoSocketLike {
  emitted: unknown[][] = [];
  disconnected = false;
  constructor(readonly handshake: SocketIoSocketLike['handshake']) {
    super();
  }
  override emit(event: string, ...args: unknown[]): boolean {
    if (event === 'disconnect') return super.emit(event);
    this.emitted.push([event, ...args]);
    return true;
  }
  disconnect(): void {
    this.disconnected = true;
    super.emit('disconnect');
  }
}

/** A socket.io server as far as `protect` uses it: its middleware, run by `handshake()`. */
class FakeServer implements SocketIoServerLike {
  private middleware?: Parameters<SocketIoServerLike['use']>[0];
  use(middleware: Parameters<SocketIoServerLike['use']>[0]): void {
    this.middleware = middleware;
  }
  on(): void {}
  handshake(socket: FakeSocketIo): Promise<(Error & { data?: unknown }) | undefined> {
    return new Promise((resolve) => this.middleware!(socket, resolve));
  }
}

describe('SocketAuthenticator', () => {
  let app: INestApplicationContext | undefined;

  async function start(dpop = false) {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret: 's'.repeat(32), dpop })],
      providers: [SocketAuthenticator],
    }).compile();
    app = await moduleRef.init();
    return {
      sockets: app.get(SocketAuthenticator),
      tokens: app.get(TokenService),
      revocations: app.get(RevocationService),
    };
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  describe('DPoP at the handshake', () => {
    it('accepts a bound token with a proof of its upgrade request (GET, its URL), once', async () => {
      const { sockets, tokens } = await start(true);
      const keys = await generateKeyPair('ES256', { extractable: true });
      const token = tokens.createAccessToken('alice', { dpopJkt: await calculateThumbprint(keys.publicKey) });
      const proof = await generateProof(keys, 'http://chat.example/ws', 'GET', undefined, token);
      const upgrade = (dpop: string) => ({
        headers: { host: 'chat.example', authorization: `DPoP ${token}`, dpop },
        url: '/ws?room=1',
      });
      await expect(sockets.accept(new FakeWsClient(), upgrade(proof))).resolves.toBe(true);
      const replayed = new FakeWsClient();
      await expect(sockets.accept(replayed, upgrade(proof))).resolves.toBe(false);
      expect(replayed.closed).toEqual({ code: WS_CLOSE_UNAUTHORIZED, reason: 'invalid_dpop_proof' });
      const elsewhere = new FakeWsClient();
      const wrongUrl = await generateProof(keys, 'http://chat.example/other', 'GET', undefined, token);
      await expect(sockets.accept(elsewhere, upgrade(wrongUrl))).resolves.toBe(false);
      expect(elsewhere.closed?.reason).toBe('invalid_dpop_proof');
    });
  });

  describe('plain ws', () => {
    it('accepts the Authorization header of the upgrade request, and closes the socket on a revocation', async () => {
      const { sockets, tokens, revocations } = await start();
      const token = tokens.createAccessToken('alice', { fresh: true });
      const client = new FakeWsClient();
      await expect(sockets.accept(client, { headers: { authorization: `Bearer ${token}` } })).resolves.toBe(true);
      expect(sockets.openConnections).toBe(1);
      await revocations.revokeToken(tokens.verifyToken(token));
      expect(client.closed).toEqual({ code: WS_CLOSE_UNAUTHORIZED, reason: 'token_revoked' });
      expect(sockets.openConnections).toBe(0);
    });

    it('refuses with close code 4401 and the library code as reason; the query only when enabled', async () => {
      const { sockets, tokens } = await start();
      const token = tokens.createAccessToken('alice');
      const refused = new FakeWsClient();
      await expect(sockets.accept(refused, { headers: {}, url: `/ws?token=${token}` })).resolves.toBe(false);
      expect(refused.closed).toEqual({ code: 4401, reason: 'authorization_required' });
      const byQuery = new FakeWsClient();
      const accepted = await sockets.accept(
        byQuery,
        { headers: {}, url: `/ws?access_token=${token}` },
        { queryParameter: 'access_token' },
      );
      expect(accepted).toBe(true);
      byQuery.close();
      expect(sockets.openConnections).toBe(0);
    });
  });

  describe('graphql-ws', () => {
    it('watches a connection with a good token, and closes one without a good token at once (4401)', async () => {
      const { sockets, tokens, revocations } = await start();
      const token = tokens.createAccessToken('alice');
      const socket = new FakeWsClient();
      expect(await sockets.watchGraphqlWs({ connectionParams: { token }, extra: { socket } })).toBe(true);
      expect(sockets.openConnections).toBe(1);
      await revocations.revokeToken(tokens.verifyToken(token));
      expect(socket.closed).toEqual({ code: 4401, reason: 'token_revoked' });

      const bad = new FakeWsClient();
      expect(await sockets.watchGraphqlWs({ connectionParams: { token: 'bad' }, extra: { socket: bad } })).toBe(false);
      expect(bad.closed).toEqual({ code: WS_CLOSE_UNAUTHORIZED, reason: 'invalid_token' });
      const missing = new FakeWsClient();
      expect(await sockets.watchGraphqlWs({ extra: { socket: missing } })).toBe(false);
      expect(missing.closed).toEqual({ code: WS_CLOSE_UNAUTHORIZED, reason: 'authorization_required' });
      expect(sockets.openConnections).toBe(0);
    });

    it('lets an anonymous connection in when optional, and closes it (4408) once idle, never while it runs one', async () => {
      const { sockets } = await start();
      jest.useFakeTimers();
      try {
        const options = { optional: true, anonymousIdleMs: 1000 };
        const idle = new FakeWsClient();
        expect(await sockets.watchGraphqlWs({ extra: { socket: idle } }, options)).toBe(true);
        const subscriptions: Record<string, unknown> = { '1': {} };
        const busy = new FakeWsClient();
        expect(await sockets.watchGraphqlWs({ extra: { socket: busy }, subscriptions }, options)).toBe(true);
        jest.advanceTimersByTime(999);
        expect([idle.closed, busy.closed]).toEqual([undefined, undefined]);
        jest.advanceTimersByTime(1);
        expect(idle.closed).toEqual({ code: WS_CLOSE_IDLE, reason: 'idle_timeout' });
        jest.advanceTimersByTime(5000);
        expect(busy.closed).toBeUndefined();
        delete subscriptions['1'];
        jest.advanceTimersByTime(1000);
        expect(busy.closed).toEqual({ code: WS_CLOSE_IDLE, reason: 'idle_timeout' });
        // A bad token is refused even where anonymous connections are welcome.
        const bad = new FakeWsClient();
        expect(
          await sockets.watchGraphqlWs({ connectionParams: { token: 'bad' }, extra: { socket: bad } }, options),
        ).toBe(false);
        expect(bad.closed?.code).toBe(WS_CLOSE_UNAUTHORIZED);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('socket.io', () => {
    it('passes a good handshake, fails a bad one with connect_error data, and forgets closed sockets', async () => {
      const { sockets, tokens } = await start();
      const server = new FakeServer();
      sockets.protect(server);
      const good = new FakeSocketIo({ auth: { token: tokens.createAccessToken('alice') }, headers: {} });
      expect(await server.handshake(good)).toBeUndefined();
      expect(sockets.openConnections).toBe(1);
      good.disconnect();
      expect(sockets.openConnections).toBe(0);

      const refresh = tokens.createRefreshToken('alice');
      const error = await server.handshake(new FakeSocketIo({ auth: { token: refresh }, headers: {} }));
      expect(error?.data).toEqual({ code: 'wrong_token_type', message: 'Only access tokens are allowed' });
      expect(error?.message).not.toContain(refresh);
    });

    it('lets an anonymous handshake through when optional, still refusing a bad token', async () => {
      const { sockets } = await start();
      const server = new FakeServer();
      sockets.protect(server, { optional: true });
      expect(await server.handshake(new FakeSocketIo({ headers: {} }))).toBeUndefined();
      expect(sockets.openConnections).toBe(0);
      const error = await server.handshake(new FakeSocketIo({ auth: { token: 'bad' }, headers: {} }));
      expect(error?.data).toMatchObject({ code: 'invalid_token' });
    });

    it('tells the socket why before disconnecting it on a revocation', async () => {
      const { sockets, tokens, revocations } = await start();
      const server = new FakeServer();
      sockets.protect(server);
      const token = tokens.createAccessToken('bob');
      const socket = new FakeSocketIo({ auth: { token }, headers: {} });
      await server.handshake(socket);
      await revocations.revokeToken(tokens.verifyToken(token));
      expect(socket.emitted).toEqual([
        ['exception', { status: 'error', code: 'token_revoked', message: 'Token has been revoked' }],
      ]);
      expect(socket.disconnected).toBe(true);
    });
  });
});
