import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { accessClaims, forge, now } from './support/forge.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';

const CREDENTIALS = { username: 'test', password: 'test' };
const NAMES = ['access_token_cookie', 'csrf_access_token', 'refresh_token_cookie', 'csrf_refresh_token'];

/** The cookies a response set, by name: value and attributes as sent. */
function cookiesOf(headers: Record<string, unknown>): Map<string, { value: string; line: string }> {
  const lines = (headers['set-cookie'] as string[] | undefined) ?? [];
  return new Map(
    lines.map((line) => {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      return [pair!.slice(0, index), { value: pair!.slice(index + 1), line }];
    }),
  );
}

/** A browser's cookie jar, as much of it as these tests need: set, replace, clear on Max-Age=0. */
class Jar {
  readonly values = new Map<string, string>();
  take(headers: Record<string, unknown>): this {
    for (const [name, { value, line }] of cookiesOf(headers)) {
      if (/Max-Age=0/.test(line)) this.values.delete(name);
      else this.values.set(name, value);
    }
    return this;
  }
  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  get(name: string): string {
    return this.values.get(name) ?? '';
  }
}

describe.each(ADAPTERS)('browser sessions on the demo (%s): the /web contract', (adapter) => {
  let demo: DemoProcess;
  let rotating: DemoProcess;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    [demo, rotating] = await Promise.all([
      DemoProcess.start({ HTTP_ADAPTER: adapter }),
      DemoProcess.start({ HTTP_ADAPTER: adapter, JWT_ROTATE_REFRESH_TOKENS: 'true', JWT_COOKIE_SECURE: 'true' }),
    ]);
    http = request(demo.url);
  }, startUpTimeout());
  afterAll(() => Promise.all([demo?.stop(), rotating?.stop()]));

  async function login(client = http): Promise<Jar> {
    const res = await client.post('/web/login').send(CREDENTIALS).expect(200);
    expect(res.body).toEqual({ login: true });
    return new Jar().take(res.headers);
  }

  it('logs in with four session cookies: HttpOnly tokens, readable CSRF values, SameSite=Lax, no token in the body', async () => {
    const res = await http.post('/web/login').send(CREDENTIALS).expect(200);
    expect(res.body).toEqual({ login: true });
    const cookies = cookiesOf(res.headers);
    expect([...cookies.keys()]).toEqual(NAMES);
    // Without "remember me": no Max-Age, no Expires, so the browser drops them when it closes.
    expect(cookies.get('access_token_cookie')!.line).toMatch(
      /^access_token_cookie=[\w.-]+; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(cookies.get('refresh_token_cookie')!.line).toMatch(
      /^refresh_token_cookie=[\w.-]+; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(cookies.get('csrf_access_token')!.line).toMatch(/^csrf_access_token=[0-9a-f-]{36}; Path=\/; SameSite=Lax$/);
    expect(cookies.get('csrf_refresh_token')!.line).not.toMatch(/HttpOnly|Max-Age|Expires/);
    expect(JSON.stringify(res.body)).not.toContain(cookies.get('access_token_cookie')!.value.slice(0, 20));
  });

  it('keeps the cookies for their tokens\' lifetimes with "remember": true, and on every refresh after', async () => {
    const res = await http
      .post('/web/login')
      .send({ ...CREDENTIALS, remember: true })
      .expect(200);
    const cookies = cookiesOf(res.headers);
    expect(cookies.get('access_token_cookie')!.line).toMatch(/; Max-Age=900; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookies.get('refresh_token_cookie')!.line).toMatch(/; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookies.get('csrf_refresh_token')!.line).toMatch(/; Max-Age=2592000; Path=\/; SameSite=Lax$/);
    const jar = new Jar().take(res.headers);
    const refreshed = await http
      .post('/web/refresh')
      .set('Cookie', jar.header())
      .set('X-CSRF-TOKEN', jar.get('csrf_refresh_token'))
      .expect(200);
    expect(cookiesOf(refreshed.headers).get('access_token_cookie')!.line).toMatch(/; Max-Age=900; /);
  });

  it('keeps session cookies on a refresh of a session login', async () => {
    const jar = await login();
    const refreshed = await http
      .post('/web/refresh')
      .set('Cookie', jar.header())
      .set('X-CSRF-TOKEN', jar.get('csrf_refresh_token'))
      .expect(200);
    const line = cookiesOf(refreshed.headers).get('access_token_cookie')!.line;
    expect(line).not.toMatch(/Max-Age|Expires/);
  });

  it.each([['yes'], [1], ['true']])(
    'refuses "remember": %j with 400 validation_failed and no cookie',
    async (remember) => {
      const res = await http
        .post('/web/login')
        .send({ ...CREDENTIALS, remember })
        .expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(res.headers['set-cookie']).toBeUndefined();
    },
  );

  it('marks every cookie Secure when JWT_COOKIE_SECURE is on', async () => {
    const res = await request(rotating.url).post('/web/login').send(CREDENTIALS).expect(200);
    for (const { line } of cookiesOf(res.headers).values()) expect(line).toMatch(/; Secure; SameSite=Lax$/);
  });

  it('refuses bad credentials with no cookie', async () => {
    const res = await http
      .post('/web/login')
      .send({ ...CREDENTIALS, password: 'nope' })
      .expect(401);
    expect(res.body.code).toBe('invalid_credentials');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('lets the existing routes take the cookie: GET without CSRF, POST with it', async () => {
    const jar = await login();
    await http
      .get('/protected')
      .set('Cookie', jar.header())
      .expect(200, { logged_in_as: 'test', fresh: true, roles: ['user'] });
    const missing = await http.post('/protected-fresh').set('Cookie', jar.header()).expect(401);
    expect(missing.body.code).toBe('csrf_token_missing');
    const wrong = await http
      .post('/protected-fresh')
      .set('Cookie', jar.header())
      .set('X-CSRF-TOKEN', jar.get('csrf_refresh_token'))
      .expect(401);
    expect(wrong.body.code).toBe('csrf_token_mismatch');
    await http
      .post('/protected-fresh')
      .set('Cookie', jar.header())
      .set('X-CSRF-TOKEN', jar.get('csrf_access_token'))
      .expect(200, { logged_in_as: 'test', fresh: true });
  });

  it('refreshes with the refresh cookie and its CSRF value: a new non-fresh access cookie', async () => {
    const jar = await login();
    const missing = await http.post('/web/refresh').set('Cookie', jar.header()).expect(401);
    expect(missing.body.code).toBe('csrf_token_missing');
    const viaAccessCsrf = await http
      .post('/web/refresh')
      .set('Cookie', jar.header())
      .set('X-CSRF-TOKEN', jar.get('csrf_access_token'))
      .expect(401);
    expect(viaAccessCsrf.body.code).toBe('csrf_token_mismatch');
    const before = jar.get('access_token_cookie');
    const res = await http
      .post('/web/refresh')
      .set('Cookie', jar.header())
      .set('X-CSRF-TOKEN', jar.get('csrf_refresh_token'))
      .expect(200);
    expect(res.body).toEqual({ refresh: true });
    expect([...cookiesOf(res.headers).keys()]).toEqual(['access_token_cookie', 'csrf_access_token']);
    jar.take(res.headers);
    expect(jar.get('access_token_cookie')).not.toBe(before);
    await http
      .get('/protected')
      .set('Cookie', jar.header())
      .expect(200, { logged_in_as: 'test', fresh: false, roles: ['user'] });
  });

  it('rotates the refresh cookies too with rotation on, and the old refresh cookie is then reuse', async () => {
    const client = request(rotating.url);
    const jar = await login(client);
    const old = jar.header();
    const res = await client
      .post('/web/refresh')
      .set('Cookie', jar.header())
      .set('X-CSRF-TOKEN', jar.get('csrf_refresh_token'))
      .expect(200);
    expect([...cookiesOf(res.headers).keys()]).toEqual(NAMES);
    const reused = await client
      .post('/web/refresh')
      .set('Cookie', old)
      .set('X-CSRF-TOKEN', old.match(/csrf_refresh_token=([^;]+)/)![1]!)
      .expect(401);
    expect(reused.body.code).toBe('refresh_token_reused');
  });

  it('keeps /refresh and /logout working with cookies', async () => {
    const jar = await login();
    const refreshed = await http
      .post('/refresh')
      .set('Cookie', jar.header())
      .set('X-CSRF-TOKEN', jar.get('csrf_refresh_token'))
      .expect(200);
    expect(refreshed.body.access_token).toEqual(expect.any(String));
    const noCsrf = await http.post('/logout').set('Cookie', jar.header()).expect(401);
    expect(noCsrf.body.code).toBe('csrf_token_missing');
    await http
      .post('/logout')
      .set('Cookie', jar.header())
      .set('X-CSRF-TOKEN', jar.get('csrf_access_token'))
      .expect(200);
    const after = await http.get('/protected').set('Cookie', jar.header()).expect(401);
    expect(after.body.code).toBe('token_revoked');
  });

  it('logs out: revokes the session and clears all four cookies with Max-Age=0', async () => {
    const jar = await login();
    const session = jar.header();
    const forged = await http.post('/web/logout').set('Cookie', session).expect(401);
    expect(forged.body.code).toBe('csrf_token_missing');
    expect(forged.headers['set-cookie']).toBeUndefined();
    const res = await http
      .post('/web/logout')
      .set('Cookie', session)
      .set('X-CSRF-TOKEN', jar.get('csrf_access_token'))
      .expect(200);
    expect(res.body).toEqual({ logout: true });
    const cleared = cookiesOf(res.headers);
    expect([...cleared.keys()]).toEqual(NAMES);
    for (const { value, line } of cleared.values()) {
      expect(value).toBe('');
      expect(line).toMatch(/; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT;/);
    }
    jar.take(res.headers);
    expect(jar.values.size).toBe(0);
    // The session is over on the server, not only in this browser.
    const revoked = await http.get('/protected').set('Cookie', session).expect(401);
    expect(revoked.body.code).toBe('token_revoked');
    const refresh = await http
      .post('/web/refresh')
      .set('Cookie', session)
      .set('X-CSRF-TOKEN', session.match(/csrf_refresh_token=([^;]+)/)![1]!)
      .expect(401);
    expect(refresh.body.code).toBe('token_revoked');
  });

  it('clears the cookies of a browser without a token, so a signed-out page can always sign out', async () => {
    const res = await http.post('/web/logout').expect(200, { logout: true });
    expect([...cookiesOf(res.headers).keys()]).toEqual(NAMES);
  });

  it('renews a cookie-borne access token close to expiry (implicit refresh), not a header-borne one', async () => {
    const claims = accessClaims({
      exp: now() + 60,
      sid: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
      csrf: 'c0ffee00-0000-4000-8000-000000000000',
    });
    const closing = forge(claims);
    const viaCookie = await http.get('/protected').set('Cookie', `access_token_cookie=${closing}`).expect(200);
    const renewed = cookiesOf(viaCookie.headers);
    expect([...renewed.keys()]).toEqual(['access_token_cookie', 'csrf_access_token']);
    expect(renewed.get('csrf_access_token')!.value).toBe(claims.csrf);
    await http
      .post('/protected-fresh')
      .set('Cookie', `access_token_cookie=${renewed.get('access_token_cookie')!.value}`)
      .set('X-CSRF-TOKEN', String(claims.csrf))
      .expect(401)
      .expect((res) => expect(res.body.code).toBe('fresh_token_required'));
    const viaHeader = await http.get('/protected').set('Authorization', `Bearer ${closing}`).expect(200);
    expect(viaHeader.headers['set-cookie']).toBeUndefined();
  });
});
