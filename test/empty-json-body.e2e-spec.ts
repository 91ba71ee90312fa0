import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { type DemoServer, type HttpClient, startDemo } from './support/demo-server.js';
import { ADAPTERS } from './support/test-env.js';
import { bearer, login } from './support/tokens.js';

type Adapter = (typeof ADAPTERS)[number];

/** What a client sees of an answer: its status and the `code` of its body (`undefined` on success). */
const outcome = (res: Response) => ({ status: res.status, code: res.body?.code as unknown });

/** The browser session's cookies after POST /web/login, as a `Cookie` header, and its two CSRF values. */
async function webLogin(http: HttpClient): Promise<{ cookie: string; csrfAccess: string; csrfRefresh: string }> {
  const res = await http.post('/web/login').send({ username: 'test', password: 'test' }).expect(200);
  const pairs = ((res.headers['set-cookie'] as unknown as string[]) ?? []).map((line) => line.split(';')[0]!);
  const value = (name: string) => pairs.find((pair) => pair.startsWith(`${name}=`))!.slice(name.length + 1);
  return { cookie: pairs.join('; '), csrfAccess: value('csrf_access_token'), csrfRefresh: value('csrf_refresh_token') };
}

/**
 * Many HTTP clients send `Content-Type: application/json` with no body on a POST whose token is in a header or a
 * cookie. Express reads that as an empty body; Fastify's own JSON parser answers 400 FST_ERR_CTP_EMPTY_JSON_BODY. The
 * demo registers the library's `fastifyJsonBodyParser`, so every route answers the same on both adapters.
 */
describe('an empty body sent as application/json (Express and Fastify alike)', () => {
  const demos = {} as Record<Adapter, DemoServer>;

  beforeAll(async () => {
    for (const adapter of ADAPTERS) demos[adapter] = await startDemo(adapter);
  }, 60_000);
  afterAll(() => Promise.all(ADAPTERS.map((adapter) => demos[adapter]?.close())));

  /** Sends one request per adapter (set up by `prepare` on that adapter's demo); both answers, by adapter. */
  async function onBoth(send: (http: HttpClient) => Promise<Response>): Promise<Record<Adapter, Response>> {
    const answers = {} as Record<Adapter, Response>;
    for (const adapter of ADAPTERS) answers[adapter] = await send(demos[adapter].http);
    return answers;
  }

  /** Asserts that both adapters answered `expected` (status and body code). */
  function expectBoth(answers: Record<Adapter, Response>, expected: { status: number; code?: string }): void {
    expect({ express: outcome(answers.express), fastify: outcome(answers.fastify) }).toEqual({
      express: { status: expected.status, code: expected.code },
      fastify: { status: expected.status, code: expected.code },
    });
  }

  const emptyJson = { 'Content-Type': 'application/json' };

  it('POST /refresh with the refresh token in the header: 200 and a new access token', async () => {
    const answers = await onBoth(async (http) =>
      http
        .post('/refresh')
        .set(bearer((await login(http)).refresh))
        .set(emptyJson)
        .send(''),
    );
    expectBoth(answers, { status: 200 });
    for (const res of Object.values(answers)) expect(typeof res.body.access_token).toBe('string');
  });

  it('POST /login: the ValidationPipe refuses the missing credentials, not the body parser', async () => {
    const answers = await onBoth((http) => http.post('/login').set(emptyJson).send(''));
    expectBoth(answers, { status: 400, code: 'validation_failed' });
    expect(answers.fastify.body.message).toEqual(answers.express.body.message);
  });

  it('POST /logout and /logout/all with the access token in the header: 200', async () => {
    expectBoth(
      await onBoth(async (http) =>
        http
          .post('/logout')
          .set(bearer((await login(http)).access))
          .set(emptyJson)
          .send(''),
      ),
      { status: 200 },
    );
    expectBoth(
      await onBoth(async (http) =>
        http
          .post('/logout/all')
          .set(bearer((await login(http)).access))
          .set(emptyJson)
          .send(''),
      ),
      { status: 200 },
    );
  });

  it('POST /web/login: the same validation refusal on both', async () => {
    const answers = await onBoth((http) => http.post('/web/login').set(emptyJson).send(''));
    expectBoth(answers, { status: 400, code: 'validation_failed' });
  });

  it('POST /web/refresh and /web/logout with the cookies and the CSRF header: 200', async () => {
    const refreshed = await onBoth(async (http) => {
      const session = await webLogin(http);
      return http
        .post('/web/refresh')
        .set({ Cookie: session.cookie, 'X-CSRF-TOKEN': session.csrfRefresh, ...emptyJson })
        .send('');
    });
    expectBoth(refreshed, { status: 200 });
    for (const res of Object.values(refreshed)) expect(res.body).toEqual({ refresh: true });

    const loggedOut = await onBoth(async (http) => {
      const session = await webLogin(http);
      return http
        .post('/web/logout')
        .set({ Cookie: session.cookie, 'X-CSRF-TOKEN': session.csrfAccess, ...emptyJson })
        .send('');
    });
    expectBoth(loggedOut, { status: 200 });
    for (const res of Object.values(loggedOut)) expect(res.body).toEqual({ logout: true });
  });

  it('malformed JSON is still refused with 400 invalid_json on both', async () => {
    for (const body of ['{"username":', 'not json', ' ']) {
      expectBoth(await onBoth((http) => http.post('/login').set(emptyJson).send(body)), {
        status: 400,
        code: 'invalid_json',
      });
    }
    expectBoth(
      await onBoth(async (http) =>
        http
          .post('/refresh')
          .set(bearer((await login(http)).refresh))
          .set(emptyJson)
          .send('{"a":'),
      ),
      { status: 400, code: 'invalid_json' },
    );
  });
});
