import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';
import { bearer, claimsOf, login } from './support/tokens.js';

const TRUSTED = 'https://app.example.test';

/**
 * The origin check beside double submit: a cookie-authenticated unsafe request from another site is refused with 403
 * `untrusted_origin`, even with the right CSRF value (a page on another site cannot read it, but the check does not
 * rely on that); the demo's own origin and JWT_TRUSTED_ORIGINS pass; a token in the Authorization header is never
 * judged by its origin.
 */
describe.each(ADAPTERS)('origin check for cookie sessions on the demo (%s)', (adapter) => {
  let demo: DemoProcess;
  let own: string;

  beforeAll(async () => {
    demo = await DemoProcess.start({ HTTP_ADAPTER: adapter, JWT_TRUSTED_ORIGINS: TRUSTED });
    own = demo.url; // http://127.0.0.1:<port>: what supertest sends as Host
  }, startUpTimeout());
  afterAll(() => demo?.stop());

  /** POST /protected-fresh the way a browser does with the session cookie and the CSRF header, plus `headers`. */
  async function cookiePost(headers: Record<string, string>) {
    const { access } = await login(request(demo.url));
    const csrf = String(claimsOf(access).csrf);
    return request(demo.url)
      .post('/protected-fresh')
      .set({ cookie: `access_token_cookie=${access}`, 'x-csrf-token': csrf, ...headers });
  }

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['an opaque Origin', { origin: 'null' }],
    ['another port of the same host', { origin: 'http://127.0.0.1:1' }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses a cookie POST with %s: 403 untrusted_origin', async (_, headers) => {
    const res = await cookiePost(headers);
    expect([res.status, res.body.code]).toEqual([403, 'untrusted_origin']);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('accepts a cookie POST from its own origin, a trusted origin, or a client that sends neither header', async () => {
    const cases: Array<Record<string, string>> = [
      { origin: own, 'sec-fetch-site': 'same-origin' },
      { origin: TRUSTED },
      {},
    ];
    for (const headers of cases) {
      const res = await cookiePost(headers);
      expect([JSON.stringify(headers), res.status]).toEqual([JSON.stringify(headers), 200]);
    }
  });

  it('refuses the refresh cookie cross-site too (POST /web/refresh)', async () => {
    const res = await request(demo.url).post('/web/login').send({ username: 'test', password: 'test' }).expect(200);
    const cookies = (res.headers['set-cookie'] as unknown as string[]).map((line) => line.split(';')[0]!);
    const csrf = cookies.find((pair) => pair.startsWith('csrf_refresh_token='))!.split('=')[1]!;
    const refresh = (origin: string) =>
      request(demo.url)
        .post('/web/refresh')
        .set({ cookie: cookies.join('; '), 'x-csrf-token': csrf, origin });
    expect((await refresh('https://evil.example')).body.code).toBe('untrusted_origin');
    await refresh(own).expect(200);
  });

  it('never judges a token sent in the Authorization header by its origin', async () => {
    const { access } = await login(request(demo.url));
    await request(demo.url)
      .post('/protected-fresh')
      .set({ ...bearer(access), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
      .expect(200);
  });
});
