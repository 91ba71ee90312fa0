import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { demoEnv } from './support/demo-pool.js';
import { graphql, graphqlWsRefusal, openGraphqlWs, refusedTokens, subscribeOnce } from './support/realtime.js';
import { ADAPTERS, EVENT_BUDGET_MS, startUpTimeout } from './support/test-env.js';
import { bearer, login } from './support/tokens.js';

const ME = '{ me { identity fresh } }';
const CRITICAL = 'mutation { criticalAction { identity } }';
const SUBSCRIPTION = 'subscription { meChanged { identity fresh } }';

/** The access-token lifetime of the demo that tests expiry. */
const SHORT_LIFETIME_S = 2;

describe.each(ADAPTERS)('GraphQL on %s', (adapter) => {
  let demo: DemoProcess;
  let shortLived: DemoProcess;

  beforeAll(async () => {
    [demo, shortLived] = await Promise.all([
      DemoProcess.start(demoEnv(adapter, {})),
      DemoProcess.start(demoEnv(adapter, { JWT_ACCESS_TOKEN_EXPIRES: String(SHORT_LIFETIME_S) })),
    ]);
  }, startUpTimeout());
  afterAll(async () => {
    await Promise.all([demo?.stop(), shortLived?.stop()]);
  });

  /** A fresh access token, the non-fresh one a refresh gives, and the refresh token, of one login. */
  async function tokens() {
    const { access, refresh } = await login(request(demo.url));
    const refreshed = await request(demo.url).post('/refresh').set(bearer(refresh)).expect(200);
    return { fresh: access, stale: refreshed.body.access_token as string, refresh };
  }

  /** The one error of a refused operation: no data, the codes, no stack, no token. */
  function expectRefusal(body: Awaited<ReturnType<typeof graphql>>, code: string, authCode: string, token = ''): void {
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error!.extensions).toEqual({ code, authCode });
    expect(typeof error!.message).toBe('string');
    expect(body.data ?? null).toBeNull();
    if (token !== '') expect(JSON.stringify(body)).not.toContain(token);
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.js/);
  }

  it('answers me with any access token, fresh or not', async () => {
    const { fresh, stale } = await tokens();
    expect(await graphql(demo.url, ME, `Bearer ${fresh}`)).toEqual({
      status: 200,
      data: { me: { identity: 'test', fresh: true } },
    });
    expect((await graphql(demo.url, ME, `Bearer ${stale}`)).data).toEqual({ me: { identity: 'test', fresh: false } });
  });

  it('runs criticalAction with a fresh token only: FORBIDDEN fresh_token_required otherwise', async () => {
    const { fresh, stale } = await tokens();
    expect((await graphql(demo.url, CRITICAL, `Bearer ${fresh}`)).data).toEqual({
      criticalAction: { identity: 'test' },
    });
    expectRefusal(await graphql(demo.url, CRITICAL, `Bearer ${stale}`), 'FORBIDDEN', 'fresh_token_required', stale);
  });

  it('takes the session cookie of an operation over HTTP, with the CSRF double submit of any POST', async () => {
    const { fresh } = await tokens();
    const { csrf } = JSON.parse(Buffer.from(fresh.split('.')[1]!, 'base64url').toString()) as { csrf: string };
    const post = (headers: Record<string, string>) =>
      request(demo.url)
        .post('/graphql')
        .set({ 'content-type': 'application/json', cookie: `access_token_cookie=${fresh}`, ...headers })
        .send({ query: ME });
    const missing = (await post({})).body as Awaited<ReturnType<typeof graphql>>;
    expectRefusal(missing, 'UNAUTHENTICATED', 'csrf_token_missing');
    const wrong = (await post({ 'x-csrf-token': 'not-the-value' })).body as Awaited<ReturnType<typeof graphql>>;
    expectRefusal(wrong, 'UNAUTHENTICATED', 'csrf_token_mismatch');
    const served = await post({ 'x-csrf-token': csrf });
    expect(served.body.data).toEqual({ me: { identity: 'test', fresh: true } });
  });

  it('refuses every bad request with UNAUTHENTICATED and the library code, without echoing the token', async () => {
    const { refresh } = await tokens();
    expectRefusal(await graphql(demo.url, ME), 'UNAUTHENTICATED', 'authorization_required');
    // The demo reads the header, then cookies: another scheme is "no token here", and no cookie holds one either.
    expectRefusal(await graphql(demo.url, ME, 'Basic abc'), 'UNAUTHENTICATED', 'authorization_required');
    expectRefusal(await graphql(demo.url, ME, 'Bearer'), 'UNAUTHENTICATED', 'invalid_authorization_header');
    expectRefusal(await graphql(demo.url, ME, `Bearer ${refresh}`), 'UNAUTHENTICATED', 'wrong_token_type', refresh);
    for (const [code, token] of Object.entries(refusedTokens())) {
      expectRefusal(await graphql(demo.url, ME, `Bearer ${token}`), 'UNAUTHENTICATED', code, token);
      expectRefusal(await graphql(demo.url, CRITICAL, `Bearer ${token}`), 'UNAUTHENTICATED', code, token);
    }
  });

  it('refuses a logged-out session’s token with token_revoked', async () => {
    const { fresh } = await tokens();
    await request(demo.url).post('/logout').set(bearer(fresh)).expect(200);
    expectRefusal(await graphql(demo.url, ME, `Bearer ${fresh}`), 'UNAUTHENTICATED', 'token_revoked', fresh);
  });

  it('never answers a refusal through the HTTP response: 200 with the GraphQL error, no WWW-Authenticate', async () => {
    const res = await request(demo.url).post('/graphql').send({ query: ME });
    expect(res.status).toBe(200);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  describe('document limits (graphql-armor rules, the parser token cap)', () => {
    /** A query of `count` aliases of the guarded `me` field. */
    const aliases = (count: number) =>
      `{${Array.from({ length: count }, (_, i) => `x${i.toString(36)}:me{fresh}`).join(' ')}}`;

    it('refuses 6,000 aliases without a token before any resolver runs, and 16 aliases with a token', async () => {
      const flood = await graphql(demo.url, aliases(6000));
      expect(flood.status).toBe(400);
      expect(flood.errors?.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(JSON.stringify(flood)).not.toContain('authCode');
      const { fresh } = await tokens();
      const many = await graphql(demo.url, aliases(16), `Bearer ${fresh}`);
      expect(many.status).toBe(400);
      expect(many.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(many.data ?? null).toBeNull();
      const few = await graphql(demo.url, aliases(15), `Bearer ${fresh}`);
      expect(Object.keys((few as { data?: object }).data ?? {})).toHaveLength(15);
    });

    it(
      'answers introspection outside production, and not with NODE_ENV=production',
      async () => {
        const query = '{ __schema { queryType { name } } }';
        expect((await graphql(demo.url, query)).errors).toBeUndefined();
        const production = await DemoProcess.start(demoEnv(adapter, { NODE_ENV: 'production' }));
        try {
          const refused = await graphql(production.url, query);
          expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
          expect(JSON.stringify(refused)).not.toContain('queryType');
        } finally {
          await production.stop();
        }
      },
      startUpTimeout(),
    );
  });

  describe('subscriptions over graphql-ws', () => {
    it('takes the token from connectionParams (token, or Authorization)', async () => {
      const { fresh, stale } = await tokens();
      expect(await subscribeOnce(demo.url, SUBSCRIPTION, { token: fresh })).toEqual({
        data: { meChanged: { identity: 'test', fresh: true } },
      });
      expect(await subscribeOnce(demo.url, SUBSCRIPTION, { Authorization: `Bearer ${stale}` })).toEqual({
        data: { meChanged: { identity: 'test', fresh: false } },
      });
    });

    // Its token lives 15 minutes: a connection closed within EVENT_BUDGET_MS was closed by the logout.
    it('closes the connection (4401 token_revoked) on POST /logout of its session', async () => {
      const { fresh } = await tokens();
      const connection = await openGraphqlWs(demo.url, { token: fresh });
      try {
        await request(demo.url).post('/logout').set(bearer(fresh)).expect(200);
        expect(await connection.closedWithin(EVENT_BUDGET_MS)).toEqual({ code: 4401, reason: 'token_revoked' });
      } finally {
        await connection.dispose();
      }
    });

    it('closes the connection (4401 token_expired) when its token expires', async () => {
      const { access } = await login(request(shortLived.url));
      const connection = await openGraphqlWs(shortLived.url, { token: access });
      try {
        expect(await connection.closed).toEqual({ code: 4401, reason: 'token_expired' });
      } finally {
        await connection.dispose();
      }
    });

    it('closes a connection without a good token at once, before connection_ack: 4401 and the library code', async () => {
      const { refresh } = await tokens();
      const cases: Array<[string, Record<string, unknown>]> = [
        ['authorization_required', {}],
        // As a socket.io handshake reads it: another scheme in the one header a connection has is a bad header.
        ['invalid_authorization_header', { Authorization: 'Basic abc' }],
        ['invalid_authorization_header', { Authorization: 'Bearer a b' }],
        ['wrong_token_type', { token: refresh }],
        ...Object.entries(refusedTokens()).map(([code, token]): [string, Record<string, unknown>] => [code, { token }]),
      ];
      for (const [authCode, params] of cases) {
        // Bounded by EVENT_BUDGET_MS; "at once" is that it never got connection_ack: refused in onConnect.
        expect([authCode, await graphqlWsRefusal(demo.url, params, EVENT_BUDGET_MS)]).toEqual([
          authCode,
          { code: 4401, reason: authCode, acknowledged: false },
        ]);
      }
    });
  });
});
