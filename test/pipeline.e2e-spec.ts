import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { SessionService, TokenService } from 'nest-jwt-extended';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { PipelineAppModule, PipelineWsAppModule, pipelineLog } from './fixtures/pipeline.app.js';
import { startFixtureApp } from './support/demo-server.js';
import { accessClaims, forge, now } from './support/forge.js';
import { connectSocket } from './support/realtime.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer } from './support/tokens.js';
import { type Endpoints, TRANSPORTS } from './support/transports.js';

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
