import { createHmac, type JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import type { DemoProcess } from './support/demo-process.js';
import { clearInheritedKeyVariables, DemoFleet, demoEnv } from './support/demo-pool.js';
import { accessClaims, b64, exponentOneJwk, forgeForExponentOne } from './support/forge.js';
import { JwksServer, publicJwk } from './support/jwks-server.js';
import { generateKeys, headerOf, KeyDir, signToken, type TestKeyPair } from './support/keys.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';
import { bearer, login, type Login } from './support/tokens.js';
import { sleep, startVerifier, type Verifier } from './support/verifier.js';

clearInheritedKeyVariables();

const ISSUER_KID = 'issuer-2026';
const dir = new KeyDir();
afterAll(() => dir.remove());
// The issuer's key; A and B, keys of the JWKS server under the test's control; C, an attacker's.
// R: an RSA key of the JWKS server, for the e = 1 case (issue 23).
const [issuerKey, keyA, keyB, keyC, keyR] = await Promise.all<Promise<TestKeyPair>[]>([
  generateKeys('ES256'),
  generateKeys('ES256'),
  generateKeys('ES256'),
  generateKeys('ES256'),
  generateKeys('RS256'),
]);
const issuerKeyPath = dir.writePair('issuer', issuerKey!).privatePath;

// One issuer (the demo app, ES256 with a kid) per adapter, started while the file loads.
const fleet = new DemoFleet(2);
// Waits for the start-ups still in flight (each within its budget), then stops every demo.
afterAll(() => fleet.stopAll(), startUpTimeout());
for (const adapter of ADAPTERS) {
  fleet.start(
    adapter,
    demoEnv(adapter, { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: issuerKeyPath, JWT_KID: ISSUER_KID }),
  );
}

/** An access token for `test` signed with `key`, with any extra header parameters (kid, jku, ...). */
const mint = (key: TestKeyPair, header: Record<string, unknown>, claims: Record<string, unknown> = {}) =>
  signToken('ES256', key.privateKey, accessClaims(claims), header);

describe.each(ADAPTERS)('a verify-only service trusting the issuer demo JWKS on %s', (adapter) => {
  let issuer: DemoProcess;
  let verifier: Verifier;
  let attacker: JwksServer;
  let tokens: Login;

  beforeAll(async () => {
    issuer = await fleet.demo(adapter);
    attacker = await JwksServer.start();
    attacker.keys = [publicJwk(keyC!.publicKey, 'attacker', 'ES256'), publicJwk(keyC!.publicKey, ISSUER_KID, 'ES256')];
    verifier = await startVerifier(adapter, {
      uri: `${issuer.url}/.well-known/jwks.json`,
      cooldownMs: 100,
      cacheMaxAgeMs: 60_000,
      timeoutMs: 2000,
    });
    tokens = await login(request(issuer.url));
  }, fleet.startUpTimeout());
  afterAll(async () => {
    await verifier?.close();
    await attacker?.stop();
  });

  it("accepts the issuer's login token, and its refreshed token; only the fresh one at a fresh-only route", async () => {
    expect(headerOf(tokens.access)).toEqual({ alg: 'ES256', typ: 'JWT', kid: ISSUER_KID });
    await verifier.http
      .get('/me')
      .set(bearer(tokens.access))
      .expect(200, { identity: 'test', kid: ISSUER_KID, alg: 'ES256' });
    await verifier.http.post('/critical').set(bearer(tokens.access)).expect(200, { identity: 'test', fresh: true });
    const refreshed: string = (await request(issuer.url).post('/refresh').set(bearer(tokens.refresh)).expect(200)).body
      .access_token;
    await verifier.http
      .get('/me')
      .set(bearer(refreshed))
      .expect(200, { identity: 'test', kid: ISSUER_KID, alg: 'ES256' });
    const stale = await verifier.http.post('/critical').set(bearer(refreshed)).expect(401);
    expect(stale.body.code).toBe('fresh_token_required');
  });

  it('refuses a refresh token at an access route (wrong_token_type), and takes it at the RefreshJwtGuard route only', async () => {
    const res = await verifier.http.get('/me').set(bearer(tokens.refresh)).expect(401).expect('Content-Type', /json/);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'wrong_token_type' });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    await verifier.http
      .post('/refresh-check')
      .set(bearer(tokens.refresh))
      .expect(200, { identity: 'test', type: 'refresh' });
    const access = await verifier.http.post('/refresh-check').set(bearer(tokens.access)).expect(401);
    expect(access.body.code).toBe('wrong_token_type');
  });

  it('leaves open routes open, and asks for a token on guarded ones', async () => {
    await verifier.http.get('/open').expect(200, { open: true });
    const res = await verifier.http.get('/me').expect(401);
    expect(res.body.code).toBe('authorization_required');
  });

  it('refuses a token signed by an unknown key with an unknown kid (401 invalid_token)', async () => {
    const res = await verifier.http
      .get('/me')
      .set(bearer(mint(keyC!, { kid: 'unknown-kid' })))
      .expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'invalid_token' });
    expect(res.body.message).toMatch(/\bkid\b/);
  });

  it("refuses a token with the issuer's kid signed by another key, and one without a kid", async () => {
    const forged = await verifier.http
      .get('/me')
      .set(bearer(mint(keyC!, { kid: ISSUER_KID })))
      .expect(401);
    expect(forged.body.code).toBe('invalid_token');
    const noKid = await verifier.http
      .get('/me')
      .set(bearer(mint(keyC!, {})))
      .expect(401);
    expect(noKid.body.code).toBe('invalid_token');
  });

  it("refuses HS256 tokens keyed with the issuer's public key (PEM or JWK), other algorithms, and alg none", async () => {
    const jwk = (await request(issuer.url).get('/.well-known/jwks.json').expect(200)).body.keys[0] as JsonWebKey;
    const claims = accessClaims();
    const hmac = (secret: string) => {
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: ISSUER_KID })}.${b64(claims)}`;
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    };
    const candidates = [
      hmac(issuerKey!.publicPem),
      hmac(JSON.stringify(jwk)),
      signToken('ES256', issuerKey!.privateKey, claims, { kid: ISSUER_KID, alg: 'ES384' }),
      `${b64({ alg: 'none', typ: 'JWT', kid: ISSUER_KID })}.${b64(claims)}.`,
    ];
    for (const token of candidates) {
      const res = await verifier.http.get('/me').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('invalid_token');
    }
    // The same claims, signed as the issuer signs, are accepted: the refusals above are about alg and key alone.
    await verifier.http
      .get('/me')
      .set(bearer(signToken('ES256', issuerKey!.privateKey, claims, { kid: ISSUER_KID })))
      .expect(200);
  });

  it('never follows jku, x5u or jwk in a token header: the attacker JWKS server gets no request, and the token is refused', async () => {
    const attackerJwk = publicJwk(keyC!.publicKey, 'attacker', 'ES256');
    const candidates = [
      mint(keyC!, { kid: 'attacker', jku: attacker.url }),
      mint(keyC!, { kid: ISSUER_KID, jku: attacker.url }),
      mint(keyC!, { kid: 'attacker', x5u: attacker.url }),
      mint(keyC!, { kid: 'attacker', jwk: attackerJwk }),
      mint(keyC!, { jwk: attackerJwk }),
    ];
    for (const token of candidates) {
      const res = await verifier.http.get('/me').set(bearer(token)).expect(401);
      expect(res.body.code).toBe('invalid_token');
    }
    // jku on a token the issuer really signed changes nothing either: the key still comes from configuration only.
    const signedByIssuer = signToken('ES256', issuerKey!.privateKey, accessClaims(), {
      kid: ISSUER_KID,
      jku: attacker.url,
    });
    await verifier.http.get('/me').set(bearer(signedByIssuer)).expect(200);
    expect(attacker.requestCount).toBe(0);
  });
});

describe.each(ADAPTERS)(
  'remote JWKS rotation, cache and outages (a JWKS server under test control) on %s',
  (adapter) => {
    /** For new kids and cooldown: a long cache, a 1 s cooldown. */
    const COOLDOWN_MS = 1000;
    let rotating: { server: JwksServer; verifier: Verifier };
    /** For removed keys: a 300 ms cache. */
    const SHORT_CACHE_MS = 300;
    let removing: { server: JwksServer; verifier: Verifier };
    /** For the verified-token cache against the key cache: 4 s, so that half of it is room enough for one request. */
    const CACHE_MS = 4000;
    let lapsing: { server: JwksServer; verifier: Verifier };
    /** For outages: a 2 s timeout, long enough that a loaded machine answers well within half of it. */
    const TIMEOUT_MS = 2000;
    let failing: { server: JwksServer; verifier: Verifier };

    const setUp = async (options: { cooldownMs: number; cacheMaxAgeMs: number; timeoutMs: number }) => {
      const server = await JwksServer.start();
      return { server, verifier: await startVerifier(adapter, { uri: server.url, ...options }) };
    };

    beforeAll(async () => {
      [rotating, removing, lapsing, failing] = await Promise.all([
        setUp({ cooldownMs: COOLDOWN_MS, cacheMaxAgeMs: 600_000, timeoutMs: 2000 }),
        setUp({ cooldownMs: 100, cacheMaxAgeMs: SHORT_CACHE_MS, timeoutMs: 2000 }),
        setUp({ cooldownMs: 100, cacheMaxAgeMs: CACHE_MS, timeoutMs: 2000 }),
        setUp({ cooldownMs: 0, cacheMaxAgeMs: SHORT_CACHE_MS, timeoutMs: TIMEOUT_MS }),
      ]);
    }, 30_000);
    afterAll(async () => {
      for (const setup of [rotating, removing, lapsing, failing]) {
        await setup?.verifier.close();
        await setup?.server.stop();
      }
    });

    it('fetches once for a known kid, then refetches for a new kid (after the cooldown) and accepts it', async () => {
      const { server, verifier } = rotating;
      server.keys = [publicJwk(keyA!.publicKey, 'a', 'ES256')];
      await verifier.http
        .get('/me')
        .set(bearer(mint(keyA!, { kid: 'a' })))
        .expect(200, { identity: 'test', kid: 'a', alg: 'ES256' });
      await verifier.http
        .get('/me')
        .set(bearer(mint(keyA!, { kid: 'a' })))
        .expect(200);
      expect(server.requestCount).toBe(1);

      // The issuer rotates: its JWKS gains B.
      server.keys = [publicJwk(keyA!.publicKey, 'a', 'ES256'), publicJwk(keyB!.publicKey, 'b', 'ES256')];
      await sleep(server.lastRequestAt + COOLDOWN_MS + 100 - performance.now());
      await verifier.http
        .get('/me')
        .set(bearer(mint(keyB!, { kid: 'b' })))
        .expect(200, { identity: 'test', kid: 'b', alg: 'ES256' });
      expect(server.requestCount).toBe(2);
      await verifier.http
        .get('/me')
        .set(bearer(mint(keyA!, { kid: 'a' })))
        .expect(200);
      await verifier.http
        .get('/me')
        .set(bearer(mint(keyB!, { kid: 'b' })))
        .expect(200);
      expect(server.requestCount).toBe(2);
    });

    it('fetches at most once per cooldown, whatever the burst of unknown kids, and keeps serving known kids meanwhile', async () => {
      const { server, verifier } = rotating;
      const before = server.requestCount;
      const unknown = () => mint(keyC!, { kid: `unknown-${Math.random().toString(36).slice(2)}` });

      /** The most fetches a cooldown allows since `since` (performance.now()): one, then one more per cooldown. */
      const allowedSince = (since: number) => Math.floor((performance.now() - since) / COOLDOWN_MS) + 1;

      // One burst, all at once: one fetch at most, unless the burst itself outlasts a cooldown (a loaded machine).
      const burstStarted = performance.now();
      const burst = await Promise.all(
        Array.from({ length: 30 }, () => verifier.http.get('/me').set(bearer(unknown()))),
      );
      for (const res of burst) expect([res.status, res.body.code]).toEqual([401, 'invalid_token']);
      expect(server.requestCount - before).toBeLessThanOrEqual(allowedSince(burstStarted));

      // Sustained unknown-kid traffic for 2.5 cooldowns, with a known kid among it.
      const started = performance.now();
      while (performance.now() - started < 2.5 * COOLDOWN_MS) {
        const batch = await Promise.all([
          ...Array.from({ length: 4 }, () => verifier.http.get('/me').set(bearer(unknown()))),
          verifier.http.get('/me').set(bearer(mint(keyA!, { kid: 'a' }))),
        ]);
        expect(batch.map((res) => res.status)).toEqual([401, 401, 401, 401, 200]);
      }
      const fetches = server.requests.slice(before).map((entry) => entry.at);
      // At least one refetch happened once a cooldown had passed (new keys do get picked up), never more than one per cooldown.
      expect(fetches.length).toBeGreaterThanOrEqual(1);
      // Counted from the burst, whose fetch (if any) is among them.
      expect(fetches.length).toBeLessThanOrEqual(allowedSince(burstStarted));
      const previous = [server.requests[before - 1]!.at, ...fetches];
      for (let i = 1; i < previous.length; i++)
        expect(previous[i]! - previous[i - 1]!).toBeGreaterThanOrEqual(COOLDOWN_MS * 0.9);
    });

    it('stops accepting a key removed from the JWKS once cacheMaxAgeMs has passed, even for the exact token it accepted', async () => {
      const { server, verifier } = removing;
      server.keys = [publicJwk(keyA!.publicKey, 'a', 'ES256'), publicJwk(keyB!.publicKey, 'b', 'ES256')];
      const tokenB = mint(keyB!, { kid: 'b' });
      await verifier.http.get('/me').set(bearer(tokenB)).expect(200);
      server.keys = [publicJwk(keyA!.publicKey, 'a', 'ES256')];
      await sleep(SHORT_CACHE_MS + 250);

      const res = await verifier.http.get('/me').set(bearer(tokenB)).expect(401);
      expect(res.body.code).toBe('invalid_token');
      expect(
        (
          await verifier.http
            .get('/me')
            .set(bearer(mint(keyB!, { kid: 'b' })))
            .expect(401)
        ).body.code,
      ).toBe('invalid_token');
      await verifier.http
        .get('/me')
        .set(bearer(mint(keyA!, { kid: 'a' })))
        .expect(200);
    });

    it('does not trust a token verified late in the key cache window past cacheMaxAgeMs after its key left the JWKS', async () => {
      const { server, verifier } = lapsing;
      server.keys = [publicJwk(keyA!.publicKey, 'a', 'ES256'), publicJwk(keyB!.publicKey, 'b', 'ES256')];
      await verifier.http
        .get('/me')
        .set(bearer(mint(keyA!, { kid: 'a' })))
        .expect(200);
      const fetchedAt = server.lastRequestAt;
      // B leaves the JWKS right after the verifier fetched it.
      server.keys = [publicJwk(keyA!.publicKey, 'a', 'ES256')];
      const removedAt = performance.now();

      // Half-way through the cache window, a first B token: the document fetched before the removal still vouches for B.
      await sleep(fetchedAt + CACHE_MS / 2 - performance.now());
      const tokenB = mint(keyB!, { kid: 'b' });
      await verifier.http.get('/me').set(bearer(tokenB)).expect(200);
      // Still in the window (half of it was left for that one request), or the step above proved nothing.
      expect(performance.now() - fetchedAt).toBeLessThan(CACHE_MS);

      // cacheMaxAgeMs after the removal (and after that fetch), B must be refused, the exact token included.
      await sleep(removedAt + CACHE_MS + 300 - performance.now());
      const fresh = await verifier.http
        .get('/me')
        .set(bearer(mint(keyB!, { kid: 'b' })))
        .expect(401);
      expect(fresh.body.code).toBe('invalid_token');
      const cached = await verifier.http.get('/me').set(bearer(tokenB));
      expect([cached.status, cached.body.code]).toEqual([401, 'invalid_token']);
    });

    /** GET /me with a deadline well past the timeout, so a hang fails here rather than at jest's timeout. */
    const timedGet = async (verifier: Verifier, token: string) => {
      const started = performance.now();
      const res = await verifier.http
        .get('/me')
        .set(bearer(token))
        .timeout({ response: 2 * TIMEOUT_MS + 5000 });
      return { res, ms: performance.now() - started };
    };
    /**
     * 503 key_set_unavailable, as JSON. `waited`: the fetch hung, so the answer came when timeoutMs ran out (and not
     * after a second one); otherwise the fetch failed at once, and the answer did not wait for timeoutMs at all.
     */
    const expectUnavailable = ({ res, ms }: Awaited<ReturnType<typeof timedGet>>, waited = false) => {
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'key_set_unavailable' });
      if (waited) {
        expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
        expect(ms).toBeLessThan(2 * TIMEOUT_MS);
      } else {
        expect(ms).toBeLessThan(TIMEOUT_MS / 2);
      }
    };

    it('answers 503 key_set_unavailable (JSON) within timeoutMs when the JWKS server hangs, fails, or is down; recovers without a restart', async () => {
      const { server, verifier } = failing;
      server.keys = [publicJwk(keyA!.publicKey, 'a', 'ES256')];
      const token = mint(keyA!, { kid: 'a' });

      server.mode = 'hang';
      const hung = await Promise.all(Array.from({ length: 5 }, () => timedGet(verifier, token)));
      for (const outcome of hung) expectUnavailable(outcome, true);
      for (const mode of ['error', 'garbage'] as const) {
        server.mode = mode;
        expectUnavailable(await timedGet(verifier, token));
      }
      server.mode = 'ok';
      await server.down();
      expectUnavailable(await timedGet(verifier, token));
      const requestsWhileDown = server.requestCount;

      await server.up();
      const { res } = await timedGet(verifier, token);
      expect(res.status).toBe(200);
      expect(server.requestCount).toBe(requestsWhileDown + 1);
    });

    it('answers 503, not a cached answer, once the key cache has lapsed and the JWKS server is down', async () => {
      const { server, verifier } = failing;
      server.mode = 'ok';
      server.keys = [publicJwk(keyA!.publicKey, 'a', 'ES256')];
      const token = mint(keyA!, { kid: 'a' });
      await verifier.http.get('/me').set(bearer(token)).expect(200);
      await server.down();
      try {
        await sleep(SHORT_CACHE_MS + 200);
        expectUnavailable(await timedGet(verifier, token));
        expectUnavailable(await timedGet(verifier, mint(keyA!, { kid: 'a' })));
        // An unknown kid during the outage: the key set cannot be read, so no token can be judged.
        expectUnavailable(await timedGet(verifier, mint(keyC!, { kid: 'unknown' })));
      } finally {
        await server.up();
      }
      await verifier.http.get('/me').set(bearer(token)).expect(200);
    });
  },
);

/**
 * Issue 23: an RSA key with public exponent 1 in the JWKS let anyone forge tokens for its kid (with e = 1 the padded
 * digest is its own signature). The key checks run on every fetched document: the key is skipped with one warning
 * naming its kid, tokens naming it get 401 invalid_token, and the document's other keys keep working.
 */
describe.each(ADAPTERS)('a key failing the key checks in the remote JWKS (RS256) on %s', (adapter) => {
  let server: JwksServer;
  let verifier: Verifier;
  const forged = forgeForExponentOne({ kid: 'e1' }, accessClaims({ sub: 'admin', fresh: true }));
  let warn: jest.Spied<Logger['warn']>;

  beforeAll(async () => {
    // The verifier's logger is off (logger: false), but the warning still goes through Logger#warn.
    warn = jest.spyOn(Logger.prototype, 'warn');
    server = await JwksServer.start();
    server.keys = [
      exponentOneJwk(keyR!.publicKey, { kid: 'e1', alg: 'RS256', use: 'sig' }),
      publicJwk(keyR!.publicKey, 'r', 'RS256'),
    ];
    verifier = await startVerifier(
      adapter,
      { uri: server.url, cooldownMs: 0, cacheMaxAgeMs: 60_000, timeoutMs: 2000 },
      'RS256',
    );
  }, 30_000);
  afterAll(async () => {
    warn?.mockRestore();
    await verifier?.close();
    await server?.stop();
  });

  it('refuses the forged admin token with 401 invalid_token at every route, and warns once, naming the kid only', async () => {
    warn.mockClear();
    for (const route of [() => verifier.http.get('/me'), () => verifier.http.post('/critical')]) {
      for (let i = 0; i < 2; i++) {
        const res = await route().set(bearer(forged)).expect(401).expect('Content-Type', /json/);
        expect(res.body).toMatchObject({ statusCode: 401, code: 'invalid_token' });
        expect(res.body.message).toMatch(/\bkid\b.*key checks/);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      }
    }
    // cooldownMs 0: each of those tokens refetched the document, and the key stayed bad: still one warning.
    expect(server.requestCount).toBeGreaterThan(1);
    const warnings = warn.mock.calls.map(([message]) => String(message)).filter((text) => text.includes(server.url));
    expect(warnings).toEqual([
      `Remote JWKS ${server.url}: key "e1" is skipped, it is an RSA key with public exponent 1: it must be odd and at least 3`,
    ]);
    expect(warnings[0]).not.toContain(String(keyR!.publicKey.export({ format: 'jwk' }).n).slice(0, 16));
  });

  it('keeps verifying with the other keys of the document', async () => {
    await verifier.http
      .get('/me')
      .set(bearer(signToken('RS256', keyR!.privateKey, accessClaims(), { kid: 'r' })))
      .expect(200, { identity: 'test', kid: 'r', alg: 'RS256' });
  });
});
