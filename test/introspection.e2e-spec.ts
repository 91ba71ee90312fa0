import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { accessClaims, forge, now } from './support/forge.js';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from './support/redis.js';
import { ADAPTERS, EVENT_BUDGET_MS, startUpTimeout } from './support/test-env.js';
import { bearer, claimsOf, login } from './support/tokens.js';

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('introspect');
const CLIENTS = 'gateway:gw-secret-0123,billing:b:pass with spaces';
const INACTIVE = { active: false };

/** `Authorization: Basic` for id and secret, form-encoded first as RFC 6749 section 2.3.1 says. */
const basic = (id: string, secret: string) => ({
  Authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});
const GATEWAY = basic('gateway', 'gw-secret-0123');

describeRedis.each(ADAPTERS)('token introspection (RFC 7662) on %s', (adapter) => {
  let a: DemoProcess;
  let b: DemoProcess;

  beforeAll(async () => {
    const env = {
      HTTP_ADAPTER: adapter,
      REDIS_URL,
      REDIS_KEY_PREFIX: `${prefix}${adapter}:`,
      INTROSPECTION_CLIENTS: CLIENTS,
    };
    [a, b] = await Promise.all([DemoProcess.start(env), DemoProcess.start(env)]);
  }, startUpTimeout());
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await deleteKeys(prefix);
  });

  const introspect = (url: string, form: string | Record<string, string>, auth: Record<string, string> = GATEWAY) =>
    request(url).post('/introspect').set(auth).type('form').send(form);

  it('answers a live access token with its claims, no-store, and never the token', async () => {
    const { access } = await login(request(a.url));
    const res = await introspect(a.url, { token: access, token_type_hint: 'access_token' }).expect(200);
    const claims = claimsOf(access);
    expect(res.body).toEqual({
      active: true,
      sub: 'test',
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      sid: claims.sid,
      token_type: 'access',
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).not.toContain(access);
  });

  it('answers a refresh token as token_type "refresh", whatever the hint says', async () => {
    const { refresh } = await login(request(a.url));
    const res = await introspect(a.url, { token: refresh, token_type_hint: 'access_token' }).expect(200);
    expect(res.body).toMatchObject({ active: true, token_type: 'refresh', jti: claimsOf(refresh).jti });
  });

  it('reports the scope of a token that has one, space-separated', async () => {
    const token = forge(accessClaims({ scope: ['read', 'write'] }));
    expect((await introspect(a.url, { token }).expect(200)).body).toMatchObject({ active: true, scope: 'read write' });
  });

  it('answers exactly { active: false } for expired, forged, wrong-audience, unparseable and unknown-type tokens', async () => {
    const iat = now() - 3600;
    const tokens = [
      forge(accessClaims({ iat, nbf: iat, exp: iat + 900 })), // expired
      forge(accessClaims(), { secret: 'another-secret-that-is-long-enough-0123456789' }), // forged
      forge(accessClaims({ aud: 'someone-else' })), // an audience this app does not accept
      forge(accessClaims({ type: 'password_reset' })), // a type no guard of the app takes
      'not-a-token',
      'a.b.c',
      'x'.repeat(20_000),
    ];
    for (const token of tokens) {
      const res = await introspect(a.url, { token }).expect(200);
      expect(res.body).toEqual(INACTIVE);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('answers { active: false } for a token revoked on the other instance, within the budget', async () => {
    const { access, refresh } = await login(request(a.url));
    expect((await introspect(a.url, { token: access }).expect(200)).body.active).toBe(true);
    await request(b.url).post('/logout').set(bearer(access)).expect(200);
    const started = performance.now();
    for (;;) {
      const res = await introspect(a.url, { token: access }).expect(200);
      if (res.body.active === false) {
        expect(res.body).toEqual(INACTIVE);
        break;
      }
      if (performance.now() - started > EVENT_BUDGET_MS)
        throw new Error(`still active ${EVENT_BUDGET_MS} ms after the logout`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await introspect(a.url, { token: refresh }).expect(200)).body).toEqual(INACTIVE);
  });

  it('answers { active: false } for a user logged out everywhere', async () => {
    const { access } = await login(request(a.url));
    await request(a.url).post('/logout/all').set(bearer(access)).expect(200);
    expect((await introspect(b.url, { token: access }).expect(200)).body).toEqual(INACTIVE);
  });

  it('takes a second client whose secret holds ":" and spaces', async () => {
    const { access } = await login(request(a.url));
    const res = await introspect(a.url, { token: access }, basic('billing', 'b:pass with spaces')).expect(200);
    expect(res.body.active).toBe(true);
  });

  it('refuses without valid client credentials: 401 invalid_client, with a Basic challenge', async () => {
    const { access } = await login(request(a.url));
    const refusals = [
      {},
      basic('gateway', 'wrong'),
      basic('gateway', 'gw-secret-012'),
      basic('nobody', 'gw-secret-0123'),
      { Authorization: 'Basic !!!' },
      { Authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
      { Authorization: 'Bearer gw-secret-0123' },
      bearer(access),
    ];
    for (const auth of refusals) {
      const res = await introspect(a.url, { token: access }, auth).expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Client authentication failed',
        code: 'invalid_client',
      });
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="introspection"/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).not.toContain(access);
    }
  });

  it('refuses a malformed request with 400 invalid_request, never a 500', async () => {
    const { access } = await login(request(a.url));
    for (const form of ['', 'token=', 'token_type_hint=access_token', 'token=a&token=b', 'token[x]=1']) {
      const res = await introspect(a.url, form).expect(400);
      expect(res.body.code).toBe('invalid_request');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const json = await request(a.url)
      .post('/introspect')
      .set(GATEWAY)
      .set('Content-Type', 'application/json')
      .send({ token: access })
      .expect(400);
    expect(json.body.code).toBe('invalid_request');
    const text = await request(a.url).post('/introspect').set(GATEWAY).set('Content-Type', 'text/plain').send('x');
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
    expect(typeof text.body.code).toBe('string');
  });
});

describe('introspection configuration', () => {
  it(
    'stops the demo naming INTROSPECTION_CLIENTS when it is malformed',
    async () => {
      await expect(DemoProcess.start({ INTROSPECTION_CLIENTS: 'gateway' })).rejects.toThrow(/INTROSPECTION_CLIENTS/);
    },
    startUpTimeout(),
  );
});
