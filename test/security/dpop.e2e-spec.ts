/**
 * DPoP proofs no client library would send (RFC 9449 section 4.3, and the verification rules of
 * /work/shared/reference/security.md applied to proofs): each is a 401 with a stable code, never a 500, and nothing
 * echoes or logs a token or a proof. The modes: nonces, required, an external origin, DPoP off, a failing replay cache.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type DpopOptions, MemoryDpopReplayStore, TokenService } from 'nest-jwt-extended';
import { DpopAppModule, dpopEvents } from '../fixtures/dpop.app.js';
import { startFixtureApp, type DemoServer } from '../support/demo-server.js';
import { DpopClient, dpopHeaders } from '../support/dpop-client.js';
import { ProofForge, segment } from '../support/dpop-forge.js';
import { LIBRARY_CODES } from '../support/fuzz-arbitraries.js';
import { ADAPTERS } from '../support/test-env.js';
import { bearer, claimsOf } from '../support/tokens.js';

async function start(adapter: 'express' | 'fastify', dpop: boolean | DpopOptions) {
  const server = await startFixtureApp(DpopAppModule.with(dpop), adapter);
  const origin = `http://127.0.0.1:${(server.app.getHttpServer().address() as AddressInfo).port}`;
  return { server, origin };
}

describe.each(ADAPTERS)('DPoP security on %s', (adapter) => {
  describe('hostile proofs', () => {
    let server: DemoServer;
    let origin: string;
    const forge = new ProofForge();
    let access: string;

    beforeAll(async () => {
      ({ server, origin } = await start(adapter, true));
      const res = await server.http.post('/login').set('DPoP', forge.proof(`${origin}/login`, 'POST', undefined));
      expect(res.status).toBe(200);
      access = res.body.access_token;
      expect(claimsOf(access).cnf).toBeDefined();
      dpopEvents.length = 0;
    });
    afterAll(() => server.close());
    afterEach(() => {
      // Events say who and why, never which proof or token.
      const logged = JSON.stringify(dpopEvents);
      expect(logged).not.toContain(access);
      expect(logged).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
    });

    const url = () => `${origin}/protected`;
    const { privateKey: rsaSmall } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const cases: Array<[string, () => string]> = [
      ['a private jwk', () => forge.proof(url(), 'GET', access, { jwk: { ...forge.jwk, d: 'AAAA' } })],
      [
        'a symmetric jwk and HS256',
        () => forge.proof(url(), 'GET', access, { alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } }),
      ],
      [
        'alg none',
        () =>
          `${segment({ typ: 'dpop+jwt', alg: 'none', jwk: forge.jwk })}.${segment({ htm: 'GET', htu: url(), iat: 1, jti: 'x' })}.`,
      ],
      ['alg NONE', () => forge.proof(url(), 'GET', access, { alg: 'NONE' })],
      ['an RS256 alg on an EC key', () => forge.proof(url(), 'GET', access, { alg: 'RS256' })],
      [
        'a 1024-bit RSA key',
        () => forge.proof(url(), 'GET', access, { alg: 'RS256', jwk: rsaSmall.export({ format: 'jwk' }) }),
      ],
      ['typ JWT', () => forge.proof(url(), 'GET', access, { typ: 'JWT' })],
      ['no jwk', () => forge.proof(url(), 'GET', access, { jwk: undefined })],
      ['a jwk that is a string', () => forge.proof(url(), 'GET', access, { jwk: 'key' })],
      ['an EC jwk off its curve', () => forge.proof(url(), 'GET', access, { jwk: { ...forge.jwk, x: forge.jwk.y } })],
      ['a crit header', () => forge.proof(url(), 'GET', access, { crit: ['exp'], exp: 1 })],
      [
        'an iat that is a string',
        () => forge.proof(url(), 'GET', access, {}, { iat: String(Math.floor(Date.now() / 1000)) }),
      ],
      ['an htm that is a number', () => forge.proof(url(), 'GET', access, {}, { htm: 1 })],
      ['an htu that is not a URL', () => forge.proof(url(), 'GET', access, {}, { htu: 'protected' })],
      [
        'an htu of another scheme',
        () => forge.proof(url(), 'GET', access, {}, { htu: url().replace('http:', 'ftp:') }),
      ],
      ['no jti', () => forge.proof(url(), 'GET', access, {}, { jti: undefined })],
      ['a jti of 300 characters', () => forge.proof(url(), 'GET', access, {}, { jti: 'j'.repeat(300) })],
      ['an ath that is a number', () => forge.proof(url(), 'GET', access, {}, { ath: 7 })],
      ['a payload that is an array', () => forge.sign({ typ: 'dpop+jwt', alg: 'ES256', jwk: forge.jwk }, [1, 2])],
      [
        'duplicate claims',
        () => {
          const p = forge.proof(url(), 'GET', access);
          const [h, , s] = p.split('.');
          return `${h}.${segment(`{"htm":"GET","htm":"POST"}`)}.${s}`;
        },
      ],
      [
        'a bad signature',
        () => {
          const p = forge.proof(url(), 'GET', access);
          return `${p.slice(0, -4)}AAAA`;
        },
      ],
      ['two segments', () => forge.proof(url(), 'GET', access).split('.').slice(0, 2).join('.')],
      ['a proof of 5000 characters', () => forge.proof(url(), 'GET', access, {}, { pad: 'p'.repeat(5000) })],
      ['padding and the base64 alphabet', () => `${forge.proof(url(), 'GET', access)}==`],
      ['non-ASCII text', () => 'é.ü.ö'],
    ];

    it.each(cases)('refuses %s: 401 invalid_dpop_proof, DPoP challenge, nothing echoed', async (_what, make) => {
      const proof = make();
      const res = await server.http.get('/protected').set(dpopHeaders(access, proof));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_dpop_proof');
      expect(res.headers['www-authenticate']).toMatch(
        /^DPoP error="invalid_dpop_proof", error_description="[^"]*", algs="/,
      );
      expect(res.text).not.toContain(access);
      expect(res.text).not.toContain(proof.slice(0, 40));
    });

    it('accepts the same forge when nothing is wrong (the cases above fail for their one fault)', async () => {
      await server.http
        .get('/protected')
        .set(dpopHeaders(access, forge.proof(url(), 'GET', access)))
        .expect(200);
    });

    it('answers any DPoP header value with a 4xx and a known code, never a 500', async () => {
      const known = new Set<string>(LIBRARY_CODES);
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 600, unit: 'binary' }), async (value) => {
          const header = value.replace(/[^\t\x20-\x7e]/g, '') || 'x';
          const res = await server.http.get('/protected').set(dpopHeaders(access, header));
          expect(res.status).toBe(401);
          expect(known.has(res.body.code)).toBe(true);
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('server nonces', () => {
    let server: DemoServer;
    let origin: string;
    beforeAll(async () => ({ server, origin } = await start(adapter, { nonce: { secret: 'n'.repeat(32) } })));
    afterAll(() => server.close());

    it('asks for a nonce (401 use_dpop_nonce, DPoP-Nonce), then accepts the retry that carries it', async () => {
      const client = await DpopClient.create();
      const first = await server.http.post('/login').set('DPoP', await client.proof(`${origin}/login`, 'POST'));
      expect(first.status).toBe(401);
      expect(first.body.code).toBe('use_dpop_nonce');
      expect(first.headers['www-authenticate']).toMatch(/^DPoP error="use_dpop_nonce"/);
      const nonce = first.headers['dpop-nonce'] as string;
      expect(nonce).toMatch(/^[\w-]{30}$/);
      const login = await server.http
        .post('/login')
        .set('DPoP', await client.proof(`${origin}/login`, 'POST', undefined, nonce))
        .expect(200);
      const access = login.body.access_token as string;
      const url = `${origin}/protected`;
      await server.http
        .get('/protected')
        .set(dpopHeaders(access, await client.proof(url, 'GET', access, nonce)))
        .expect(200);
      const forged = await server.http
        .get('/protected')
        .set(dpopHeaders(access, await client.proof(url, 'GET', access, `${nonce.slice(0, -2)}AA`)));
      expect(forged.body.code).toBe('use_dpop_nonce');
    });
  });

  describe('dpop.required', () => {
    let server: DemoServer;
    let origin: string;
    beforeAll(async () => ({ server, origin } = await start(adapter, { required: true })));
    afterAll(() => server.close());

    it('refuses a login without a proof and an unbound token: 401 dpop_required', async () => {
      const login = await server.http.post('/login');
      expect(login.status).toBe(401);
      expect(login.body.code).toBe('dpop_required');
      expect(login.headers['www-authenticate']).toMatch(/^DPoP error="invalid_request"/);
      const unbound = server.app.get(TokenService).createAccessToken('alice');
      const res = await server.http.get('/protected').set(bearer(unbound));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('dpop_required');
      const client = await DpopClient.create();
      const bound = await server.http.post('/login').set('DPoP', await client.proof(`${origin}/login`, 'POST'));
      expect(bound.body.token_type).toBe('DPoP');
    });
  });

  describe('dpop.origin behind a proxy', () => {
    let server: DemoServer;
    let origin: string;
    beforeAll(async () => ({ server, origin } = await start(adapter, { origin: 'https://api.example.com' })));
    afterAll(() => server.close());

    it('checks htu on the configured origin, not on the Host the proxy forwards', async () => {
      const client = await DpopClient.create();
      const login = await server.http
        .post('/login')
        .set('DPoP', await client.proof('https://API.example.com:443/login', 'POST'))
        .expect(200);
      const access = login.body.access_token as string;
      const external = await client.proof('https://api.example.com/protected', 'GET', access);
      await server.http.get('/protected').set(dpopHeaders(access, external)).expect(200);
      const internal = await client.proof(`${origin}/protected`, 'GET', access);
      const res = await server.http.get('/protected').set(dpopHeaders(access, internal));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_dpop_proof');
    });
  });

  describe('DPoP off', () => {
    let server: DemoServer;
    beforeAll(async () => ({ server } = await start(adapter, false)));
    afterAll(() => server.close());

    it('refuses a token bound to a key (it cannot check the proof), and reads DPoP as another scheme', async () => {
      const bound = server.app.get(TokenService).createAccessToken('alice', { dpopJkt: 'a'.repeat(43) });
      const res = await server.http.get('/protected').set(bearer(bound));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('dpop_binding_mismatch');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      const scheme = await server.http.get('/protected').set('Authorization', `DPoP ${bound}`);
      expect(scheme.body.code).toBe('invalid_authorization_header');
    });
  });

  describe('a replay cache that cannot answer', () => {
    let server: DemoServer;
    let origin: string;
    const failing = { useOnce: () => Promise.reject(new Error('down')) };
    beforeAll(async () => ({ server, origin } = await start(adapter, { replayStore: failing })));
    afterAll(() => server.close());

    it('fails closed: 503 dpop_replay_unavailable with Retry-After', async () => {
      const client = await DpopClient.create();
      const res = await server.http.post('/login').set('DPoP', await client.proof(`${origin}/login`, 'POST'));
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('dpop_replay_unavailable');
      expect(res.headers['retry-after']).toBe('1');
    });
  });
});

describe('MemoryDpopReplayStore', () => {
  it('remembers an id until its window closes, and stays within its bound', () => {
    const store = new MemoryDpopReplayStore(3);
    expect(store.useOnce('a', 60)).toBe(true);
    expect(store.useOnce('a', 60)).toBe(false);
    for (const id of ['b', 'c', 'd', 'e']) expect(store.useOnce(id, 60)).toBe(true);
    expect(store.size).toBe(3);
    expect(store.useOnce('e', 60)).toBe(false);
  });
});
