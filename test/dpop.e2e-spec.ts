import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDemo, type DemoServer } from './support/demo-server.js';
import { DpopClient, dpopHeaders } from './support/dpop-client.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer, claimsOf } from './support/tokens.js';

const CREDENTIALS = { username: 'test', password: 'test' };

/** The challenge of a DPoP refusal: the scheme, the error, and the algorithms the demo accepts. */
function expectDpopChallenge(header: string | undefined, error: string): void {
  expect(header).toMatch(
    new RegExp(`^DPoP error="${error}", error_description="[^"]*", algs="ES256 Ed25519 EdDSA PS256 RS256"$`),
  );
}

// Every line of the demo contract of issue 28, with a client built on `dpop`, on both adapters.
describe.each(ADAPTERS)('DPoP (RFC 9449) on the demo, %s', (adapter) => {
  let server: DemoServer;
  let origin: string;
  let client: DpopClient;

  beforeAll(async () => {
    server = await startDemo(adapter);
    origin = `http://127.0.0.1:${(server.app.getHttpServer().address() as AddressInfo).port}`;
    client = await DpopClient.create('ES256');
  });
  afterAll(() => server.close());

  /** POST /login with a proof of `who`'s key: the bound tokens. */
  async function boundLogin(who: DpopClient = client) {
    const res = await server.http
      .post('/login')
      .set('DPoP', await who.proof(`${origin}/login`, 'POST'))
      .send(CREDENTIALS)
      .expect(200);
    return { access: res.body.access_token as string, refresh: res.body.refresh_token as string, body: res.body };
  }

  const getProtected = async (token: string, proof: string) =>
    server.http.get('/protected').set(dpopHeaders(token, proof));

  describe('issuing', () => {
    it('binds the tokens of a login with a proof to its key: token_type DPoP, cnf.jkt the RFC 7638 thumbprint', async () => {
      const { access, refresh, body } = await boundLogin();
      expect(body.token_type).toBe('DPoP');
      expect(Object.keys(body).sort()).toEqual(['access_token', 'refresh_token', 'token_type']);
      expect(claimsOf(access).cnf).toEqual({ jkt: client.jkt });
      expect(claimsOf(refresh).cnf).toEqual({ jkt: client.jkt });
    });

    it('leaves a login without a proof as it was: bearer tokens, no token_type, no cnf', async () => {
      const res = await server.http.post('/login').send(CREDENTIALS).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['access_token', 'refresh_token']);
      expect(claimsOf(res.body.access_token).cnf).toBeUndefined();
      await server.http.get('/protected').set(bearer(res.body.access_token)).expect(200);
    });

    it.each([
      ['a proof for another route', (c: DpopClient, o: string) => c.proof(`${o}/refresh`, 'POST')],
      ['a proof for GET', (c: DpopClient, o: string) => c.proof(`${o}/login`, 'GET')],
      ['a stale proof', (c: DpopClient, o: string) => c.staleProof(`${o}/login`, 'POST', undefined, 600)],
      ['garbage', async () => 'not.a.proof'],
    ])('refuses a login with %s: 401 invalid_dpop_proof', async (_what, make) => {
      const res = await server.http
        .post('/login')
        .set('DPoP', await make(client, origin))
        .send(CREDENTIALS);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_dpop_proof');
      expectDpopChallenge(res.headers['www-authenticate'], 'invalid_dpop_proof');
    });

    it('refreshes a bound session with a proof of its key: new tokens bound to the same key', async () => {
      const { refresh } = await boundLogin();
      for (const scheme of ['DPoP', 'Bearer']) {
        const res = await server.http
          .post('/refresh')
          .set('Authorization', `${scheme} ${refresh}`)
          .set('DPoP', await client.proof(`${origin}/refresh`, 'POST'))
          .expect(200);
        expect(res.body.token_type).toBe('DPoP');
        expect(claimsOf(res.body.access_token).cnf).toEqual({ jkt: client.jkt });
        const token = res.body.access_token as string;
        await getProtected(token, await client.proof(`${origin}/protected`, 'GET', token)).then((r) =>
          expect(r.status).toBe(200),
        );
      }
    });

    it('refuses a refresh of a bound session with a proof of another key, or with none', async () => {
      const { refresh } = await boundLogin();
      const thief = await DpopClient.create('ES256');
      const stolen = await server.http
        .post('/refresh')
        .set(dpopHeaders(refresh, await thief.proof(`${origin}/refresh`, 'POST')));
      expect(stolen.status).toBe(401);
      expect(stolen.body.code).toBe('dpop_binding_mismatch');
      expectDpopChallenge(stolen.headers['www-authenticate'], 'invalid_token');
      const bare = await server.http.post('/refresh').set('Authorization', `DPoP ${refresh}`);
      expect(bare.status).toBe(401);
      expect(bare.body.code).toBe('invalid_dpop_proof');
    });
  });

  describe('checking', () => {
    it('accepts a bound token with a fresh proof of its key (htm GET, htu /protected, ath): 200 as today', async () => {
      const { access } = await boundLogin();
      const res = await getProtected(access, await client.proof(`${origin}/protected`, 'GET', access));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ logged_in_as: 'test', fresh: true });
      // The query is no part of htu (RFC 9449 section 4.3): a proof for the bare URL fits /protected?x=1.
      const proof = await client.proof(`${origin}/protected`, 'GET', access);
      await server.http.get('/protected?x=1').set(dpopHeaders(access, proof)).expect(200);
    });

    it('accepts an Ed25519 key (alg Ed25519, as dpop writes it)', async () => {
      const ed = await DpopClient.create('Ed25519');
      const { access } = await boundLogin(ed);
      expect(claimsOf(access).cnf).toEqual({ jkt: ed.jkt });
      expect((await getProtected(access, await ed.proof(`${origin}/protected`, 'GET', access))).status).toBe(200);
    });

    it('refuses a replayed proof (same jti): 401 invalid_dpop_proof', async () => {
      const { access } = await boundLogin();
      const proof = await client.proof(`${origin}/protected`, 'GET', access);
      expect((await getProtected(access, proof)).status).toBe(200);
      const replay = await getProtected(access, proof);
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({ code: 'invalid_dpop_proof', message: 'DPoP proof was already used (jti)' });
      expectDpopChallenge(replay.headers['www-authenticate'], 'invalid_dpop_proof');
    });

    it.each([
      [
        'a proof from another key',
        'dpop_binding_mismatch',
        'invalid_token',
        async (access: string, o: string) => (await DpopClient.create('ES256')).proof(`${o}/protected`, 'GET', access),
      ],
      [
        'a wrong htu',
        'invalid_dpop_proof',
        'invalid_dpop_proof',
        (access: string, o: string, c: DpopClient) => c.proof(`${o}/me`, 'GET', access),
      ],
      [
        'another host in htu',
        'invalid_dpop_proof',
        'invalid_dpop_proof',
        (access: string, _o: string, c: DpopClient) => c.proof('http://evil.example/protected', 'GET', access),
      ],
      [
        'a wrong htm',
        'invalid_dpop_proof',
        'invalid_dpop_proof',
        (access: string, o: string, c: DpopClient) => c.proof(`${o}/protected`, 'POST', access),
      ],
      [
        'a stale iat',
        'invalid_dpop_proof',
        'invalid_dpop_proof',
        (access: string, o: string, c: DpopClient) => c.staleProof(`${o}/protected`, 'GET', access, 120),
      ],
      [
        'an iat in the future',
        'invalid_dpop_proof',
        'invalid_dpop_proof',
        (access: string, o: string, c: DpopClient) => c.staleProof(`${o}/protected`, 'GET', access, -60),
      ],
      [
        'a missing ath',
        'invalid_dpop_proof',
        'invalid_dpop_proof',
        (_access: string, o: string, c: DpopClient) => c.proof(`${o}/protected`, 'GET'),
      ],
      [
        'an ath of another token',
        'invalid_dpop_proof',
        'invalid_dpop_proof',
        (_access: string, o: string, c: DpopClient) => c.proof(`${o}/protected`, 'GET', 'another.token.value'),
      ],
    ])('refuses %s: 401 %s, WWW-Authenticate DPoP error="%s"', async (_what, code, error, make) => {
      const { access } = await boundLogin();
      const res = await getProtected(access, await make(access, origin, client));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(code);
      expectDpopChallenge(res.headers['www-authenticate'], error);
      expect(res.text).not.toContain(access);
    });

    it('refuses the bound token sent as Bearer, with or without a proof: 401 dpop_scheme_required', async () => {
      const { access } = await boundLogin();
      for (const proof of [undefined, await client.proof(`${origin}/protected`, 'GET', access)]) {
        const req = server.http.get('/protected').set(bearer(access));
        const res = await (proof === undefined ? req : req.set('DPoP', proof));
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('dpop_scheme_required');
        expectDpopChallenge(res.headers['www-authenticate'], 'invalid_token');
      }
    });

    it('refuses a bound token without a proof, and an unbound token sent as DPoP', async () => {
      const { access } = await boundLogin();
      const bare = await server.http.get('/protected').set('Authorization', `DPoP ${access}`);
      expect(bare.status).toBe(401);
      expect(bare.body).toMatchObject({ code: 'invalid_dpop_proof', message: 'Missing DPoP proof' });
      const plain = await server.http.post('/login').send(CREDENTIALS).expect(200);
      const token = plain.body.access_token as string;
      const res = await getProtected(token, await client.proof(`${origin}/protected`, 'GET', token));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('dpop_binding_mismatch');
    });

    it('answers any other refusal of a DPoP request in the DPoP scheme', async () => {
      const res = await getProtected('not-a-token', await client.proof(`${origin}/protected`, 'GET', 'not-a-token'));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_token');
      expectDpopChallenge(res.headers['www-authenticate'], 'invalid_token');
    });

    it('checks the proof of GraphQL over HTTP (htm POST, htu /graphql)', async () => {
      const { access } = await boundLogin();
      const query = { query: '{ me { identity } }' };
      const ok = await server.http
        .post('/graphql')
        .set(dpopHeaders(access, await client.proof(`${origin}/graphql`, 'POST', access)))
        .send(query);
      expect(ok.body).toEqual({ data: { me: { identity: 'test' } } });
      const wrong = await server.http
        .post('/graphql')
        .set(dpopHeaders(access, await client.proof(`${origin}/protected`, 'POST', access)))
        .send(query);
      expect(wrong.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', authCode: 'invalid_dpop_proof' });
    });
  });
});
