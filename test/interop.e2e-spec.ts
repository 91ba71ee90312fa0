import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';
import { bearer, claimsOf } from './support/tokens.js';

/**
 * Tokens minted by the real Flask-JWT-Extended 4.7.1 (shared/interop/flask-tokens.json, copied unmodified into
 * test/fixtures so a clean clone on CI has them too), presented to the demo in the Authorization header and in
 * Flask's cookies: a Flask app's users keep their sessions when it moves over.
 */
interface FlaskCase {
  name: string;
  token: string;
  /** The double-submit value, for the cases minted with cookies. */
  csrf?: string;
  location?: 'cookies';
  /** `"METHOD /path"` or `"METHOD /path with csrf"` / `"... without csrf"`: the status Flask-JWT-Extended answers. */
  expect: Record<string, number>;
  /** The machine code of the refusals, where the case names one. */
  code?: string;
}

interface FlaskTokens {
  minted_by: string;
  secret: string;
  identity: string;
  algorithm: string;
  cases: FlaskCase[];
}

const FIXTURE = fileURLToPath(new URL('./fixtures/flask-tokens.json', import.meta.url));
// Where the project keeps the original; absent on a CI clone, which reads the copy alone.
const SHARED = fileURLToPath(new URL('../../shared/interop/flask-tokens.json', import.meta.url));
const fixture = readFileSync(FIXTURE, 'utf8');
const flask = JSON.parse(fixture) as FlaskTokens;

/** One request of a case: the route and, for cookie cases, whether the CSRF header goes with it. */
function parseExpectation(key: string): { method: 'GET' | 'POST'; path: string; csrf: boolean } {
  const match = /^(GET|POST) (\/\S*)(?: (with|without) csrf)?$/.exec(key);
  if (!match) throw new Error(`flask-tokens.json: unknown expectation "${key}"`);
  return { method: match[1] as 'GET' | 'POST', path: match[2]!, csrf: match[3] !== 'without' };
}

/** The cookie Flask-JWT-Extended sets for this token's type. */
function cookieName(token: string): string {
  const type = claimsOf(token).type;
  if (type !== 'access' && type !== 'refresh') throw new Error(`unexpected token type ${String(type)}`);
  return `${type}_token_cookie`;
}

const requests = flask.cases.flatMap((flaskCase) =>
  Object.entries(flaskCase.expect).map(([key, status]) => ({ flaskCase, key, status })),
);

it('reads the fixture exactly as Flask-JWT-Extended minted it', () => {
  expect(flask.minted_by).toBe('Flask-JWT-Extended 4.7.1');
  expect(flask.algorithm).toBe('HS256');
  expect(flask.cases.length).toBeGreaterThanOrEqual(9);
  expect(flask.cases.some((c) => c.location === 'cookies')).toBe(true);
  if (existsSync(SHARED)) expect(fixture).toBe(readFileSync(SHARED, 'utf8'));
});

describe.each(ADAPTERS)('tokens minted by Flask-JWT-Extended 4.7.1, on %s', (adapter) => {
  let demo: DemoProcess;

  beforeAll(async () => {
    demo = await DemoProcess.start({
      HTTP_ADAPTER: adapter,
      JWT_ALGORITHM: flask.algorithm,
      JWT_SECRET_KEY: flask.secret,
      JWT_TOKEN_LOCATION: 'headers,cookies',
      DEMO_USERS: `${flask.identity}:interop-password`,
    });
  }, startUpTimeout());
  afterAll(async () => {
    await demo?.stop();
  });

  it.each(requests)('$flaskCase.name: $key answers $status', async ({ flaskCase, key, status }) => {
    const { method, path, csrf } = parseExpectation(key);
    const http = request(demo.url);
    let req = method === 'GET' ? http.get(path) : http.post(path);
    if (flaskCase.location === 'cookies') {
      if (flaskCase.csrf === undefined) throw new Error(`${flaskCase.name}: a cookie case without its csrf value`);
      req = req.set('Cookie', `${cookieName(flaskCase.token)}=${flaskCase.token}`);
      if (csrf && method === 'POST') req = req.set('X-CSRF-TOKEN', flaskCase.csrf);
    } else {
      req = req.set(bearer(flaskCase.token));
    }
    const res = await req;

    expect({ key, status: res.status }).toEqual({ key, status });
    if (status === 200 && path !== '/refresh') expect(res.body.logged_in_as).toBe(flask.identity);
    if (status === 200 && path === '/refresh') expect(typeof res.body.access_token).toBe('string');
    if (status >= 400) {
      if (flaskCase.code !== undefined) expect(res.body.code).toBe(flaskCase.code);
      if (flaskCase.location === 'cookies' && !csrf) expect(res.body.code).toBe('csrf_token_missing');
    }
  });

  it('never asks a token sent in the header for the CSRF value, not even one minted for cookies', async () => {
    const cookieAccess = flask.cases.find((c) => c.name === 'cookie-access');
    if (!cookieAccess) throw new Error('flask-tokens.json has no "cookie-access" case');
    const res = await request(demo.url).post('/protected-fresh').set(bearer(cookieAccess.token)).expect(200);
    expect(res.body).toEqual({ logged_in_as: flask.identity, fresh: true });
  });

  it('refreshes a Flask refresh token into an access token the demo accepts', async () => {
    const refresh = flask.cases.find((c) => c.name === 'refresh' && c.location === undefined);
    if (!refresh) throw new Error('flask-tokens.json has no "refresh" case');
    const res = await request(demo.url).post('/refresh').set(bearer(refresh.token)).expect(200);
    const me = await request(demo.url).get('/protected').set(bearer(res.body.access_token)).expect(200);
    // The demo's claims loader runs on refresh: the refreshed token carries the demo user's roles.
    expect(me.body).toEqual({ logged_in_as: flask.identity, fresh: false, roles: ['user'] });
  });
});
