import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { TokenService } from 'nest-jwt-extended';
import request from 'supertest';
import { CallbacksAppModule, CallbacksWsAppModule, callbacksLog } from './fixtures/request-callbacks.app.js';
import { startFixtureApp } from './support/demo-server.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer } from './support/tokens.js';
import { type Endpoints, TRANSPORTS } from './support/transports.js';

// verifyClaims, isTokenRevoked and the user loader get the request as their last argument on every transport, and
// loadUserOn: 'every-request' refuses a user the loader no longer finds at once, everywhere.
describe.each(ADAPTERS)('callbacks that see the request, and eager user loading, on %s', (adapter) => {
  let app: INestApplication;
  let wsApp: INestApplication;
  let tokens: TokenService;
  const endpoints: Endpoints = { url: '', wsUrl: '' };

  beforeAll(async () => {
    ({ app } = await startFixtureApp(CallbacksAppModule, adapter));
    ({ app: wsApp } = await startFixtureApp(CallbacksWsAppModule, adapter, {
      beforeListen: (created) => created.useWebSocketAdapter(new WsAdapter(created)),
    }));
    endpoints.url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    endpoints.wsUrl = (await wsApp.getUrl()).replace(/^http/, 'ws').replace('[::1]', '127.0.0.1') + '/ws';
    tokens = app.get(TokenService);
  });
  afterAll(async () => {
    await Promise.all([app?.close(), wsApp?.close()]);
  });
  beforeEach(() => callbacksLog.reset());

  describe.each(TRANSPORTS.map((transport) => [transport.name, transport] as const))('%s', (_name, transport) => {
    it("gives each callback the request, once, with the client's address", async () => {
      expect(await transport.call(endpoints, tokens.createAccessToken('alice'))).toEqual({ identity: 'alice' });
      for (const callback of ['verifyClaims', 'isTokenRevoked', 'loadUser'] as const) {
        expect([callback, callbacksLog.of(callback).map((seen) => seen.ip)]).toEqual([callback, ['127.0.0.1']]);
      }
    });

    it('refuses a token pinned to another address through verifyClaims (ip_mismatch)', async () => {
      const pinned = tokens.createAccessToken('alice', { additionalClaims: { ip: '10.9.9.9' } });
      expect(await transport.call(endpoints, pinned)).toEqual({ refused: 'ip_mismatch' });
      const here = tokens.createAccessToken('alice', { additionalClaims: { ip: '127.0.0.1' } });
      expect(await transport.call(endpoints, here)).toEqual({ identity: 'alice' });
    });

    it('refuses a valid token whose user the loader no longer finds: 401 user_not_found at once', async () => {
      expect(await transport.call(endpoints, tokens.createAccessToken('deleted'))).toEqual({
        refused: 'user_not_found',
      });
      expect(callbacksLog.of('loadUser')).toHaveLength(1);
    });
  });

  it('passes the HTTP headers through: the user agent a fingerprint check would read', async () => {
    await request(endpoints.url)
      .get('/pipeline/guard')
      .set({ ...bearer(tokens.createAccessToken('alice')), 'user-agent': 'fingerprint-test/1.0' })
      .expect(200);
    expect(callbacksLog.of('verifyClaims').map((seen) => seen.userAgent)).toEqual(['fingerprint-test/1.0']);
  });

  it('gives @CurrentUser() the user the guard loaded: one load per request', async () => {
    const token = tokens.createAccessToken('alice');
    for (let round = 1; round <= 2; round += 1) {
      const res = await request(endpoints.url).get('/callbacks/me').set(bearer(token)).expect(200);
      expect(res.body).toEqual({ name: 'Alice' });
      expect(callbacksLog.of('loadUser')).toHaveLength(round);
    }
  });
});
