import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { DemoProcess } from './support/demo-process.js';
import { DemoFleet, demoEnv } from './support/demo-pool.js';
import { IdentityProvider } from './support/identity-provider.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer, login } from './support/tokens.js';

// The demo contract of issue 25: a verify-only configuration `partner` beside the demo's own tokens, its keys served
// by an identity provider on loopback (a JWKS this test controls), its tokens signed with jose.
const provider = await IdentityProvider.start();
afterAll(() => provider.stop());

const PARTNER_ENV = {
  PARTNER_JWKS_URL: provider.jwksUrl,
  PARTNER_ISSUER: provider.issuer,
  PARTNER_AUDIENCE: provider.audience,
};

const fleet = new DemoFleet(2);
afterAll(() => fleet.stopAll(), fleet.startUpTimeout());
for (const adapter of ADAPTERS) {
  fleet.start(`${adapter}-partner`, demoEnv(adapter, PARTNER_ENV));
  fleet.start(`${adapter}-plain`, demoEnv(adapter, {}));
}

/** The status, `code` and challenge of a refusal. */
async function refusal(response: request.Test): Promise<{ status: number; code: unknown; challenge: unknown }> {
  const res = await response;
  return { status: res.status, code: res.body.code, challenge: res.headers['www-authenticate'] };
}

describe.each(ADAPTERS)('the partner configuration of the demo on %s', (adapter) => {
  let demo: DemoProcess;
  let own: string;

  beforeAll(async () => {
    demo = await fleet.demo(`${adapter}-partner`);
    own = (await login(request(demo.url))).access;
  }, fleet.startUpTimeout());

  const get = (path: string, token?: string) => {
    const req = request(demo.url).get(path);
    return token === undefined ? req : req.set(bearer(token));
  };

  it('GET /partner/whoami: a partner token, RS256 or ES256, typed at+jwt, JWT or not at all → 200', async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      for (const typ of ['at+jwt', 'JWT', 'application/at+jwt', null]) {
        const token = await provider.token({ alg, typ, sub: `user-${alg}` });
        await get('/partner/whoami', token).expect(200, { config: 'partner', identity: `user-${alg}` });
      }
    }
  });

  it("GET /partner/whoami: the demo's own access token → 401 invalid_token", async () => {
    expect(await refusal(get('/partner/whoami', own))).toEqual({
      status: 401,
      code: 'invalid_token',
      challenge: expect.stringMatching(/^Bearer error="invalid_token"/),
    });
  });

  it('GET /partner/whoami: no token → 401 authorization_required, a bare Bearer challenge', async () => {
    expect(await refusal(get('/partner/whoami'))).toEqual({
      status: 401,
      code: 'authorization_required',
      challenge: 'Bearer',
    });
  });

  it('GET /partner/reports: scope with reports:read → 200; without → 403 insufficient_scope with the challenge', async () => {
    const granted = await provider.token({ scope: 'openid reports:read profile' });
    await get('/partner/reports', granted).expect(200, { config: 'partner' });
    for (const scope of [undefined, 'reports:write', 'reports:reader', '']) {
      const token = await provider.token({ scope });
      expect(await refusal(get('/partner/reports', token))).toEqual({
        status: 403,
        code: 'insufficient_scope',
        challenge:
          'Bearer error="insufficient_scope", error_description="Token lacks the scope reports:read", ' +
          'scope="reports:read"',
      });
    }
    // The demo's own token is no partner token at all: 401, before any scope is looked at.
    expect((await refusal(get('/partner/reports', own))).code).toBe('invalid_token');
  });

  it('GET /any/whoami: either kind of token, and says which configuration accepted it', async () => {
    await get('/any/whoami', own).expect(200, { config: 'app', identity: 'test' });
    const partner = await provider.token({ alg: 'ES256', sub: 'someone-else' });
    await get('/any/whoami', partner).expect(200, { config: 'partner', identity: 'someone-else' });
    // Neither: the refusal is the first configuration's (the demo's own).
    expect(await refusal(get('/any/whoami'))).toMatchObject({ status: 401, code: 'authorization_required' });
    const expired = await provider.token({ expiresIn: -60 });
    expect(await refusal(get('/any/whoami', expired))).toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it('GET /protected: a partner token → 401 invalid_token; the demo token still 200', async () => {
    expect(await refusal(get('/protected', await provider.token()))).toMatchObject({
      status: 401,
      code: 'invalid_token',
    });
    await get('/protected', own).expect(200);
  });

  it('refuses a wrong iss or aud, a kid not in the JWKS, an unpublished key → 401 invalid_token', async () => {
    const bad = [
      await provider.token({ iss: 'https://idp.attacker.test/' }),
      await provider.token({ iss: `${provider.issuer}x` }),
      await provider.token({ aud: 'https://api.other.test' }),
      await provider.token({ aud: [] }),
      await provider.token({ kid: 'not-in-the-jwks' }),
      await provider.token({ unpublishedKey: true }),
      await provider.token({ typ: 'id_token' }),
      await provider.token({ claims: { type: 'refresh' } }),
    ];
    for (const token of bad) {
      for (const path of ['/partner/whoami', '/partner/reports', '/any/whoami']) {
        expect(await refusal(get(path, token))).toMatchObject({ status: 401, code: expect.any(String) });
      }
      expect((await refusal(get('/partner/whoami', token))).code).toMatch(/^(invalid_token|wrong_token_type)$/);
    }
    for (const token of bad.slice(0, 7))
      expect((await refusal(get('/partner/whoami', token))).code).toBe('invalid_token');
  });

  it('refuses an expired partner token → 401 token_expired', async () => {
    const expired = await provider.token({ expiresIn: -60, scope: 'reports:read' });
    for (const path of ['/partner/whoami', '/partner/reports']) {
      expect(await refusal(get(path, expired))).toEqual({
        status: 401,
        code: 'token_expired',
        challenge: 'Bearer error="invalid_token", error_description="Token has expired"',
      });
    }
  });
});

describe.each(ADAPTERS)('the demo without PARTNER_* variables on %s', (adapter) => {
  let demo: DemoProcess;

  beforeAll(async () => {
    demo = await fleet.demo(`${adapter}-plain`);
  }, fleet.startUpTimeout());

  it('has no partner routes: 404 with the demo token, and a partner token is a foreign one', async () => {
    const own = (await login(request(demo.url))).access;
    for (const path of ['/partner/whoami', '/partner/reports', '/any/whoami']) {
      await request(demo.url).get(path).set(bearer(own)).expect(404);
    }
    // A partner token is just a foreign token to it.
    const res = await request(demo.url)
      .get('/protected')
      .set(bearer(await provider.token()));
    expect([res.status, res.body.code]).toEqual([401, 'invalid_token']);
  });
});
