import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDemo, type DemoServer } from './support/demo-server.js';
import { accessClaims, b64, forge, now, unsigned } from './support/forge.js';
import { ADAPTERS } from './support/test-env.js';

const NO_ERROR = /^Bearer$/;
const INVALID_TOKEN = /^Bearer error="invalid_token", error_description="[^"]+"$/;
const INVALID_REQUEST = /^Bearer error="invalid_request", error_description="[^"]+"$/;

interface Refusal {
  name: string;
  method?: 'get' | 'post';
  path?: string;
  /** The whole Authorization header, or undefined for none. */
  authorization: (tokens: { access: string; refresh: string }) => string | undefined;
  code: string;
  challenge: RegExp;
}

const tampered = (token: string) => {
  const [header, , signature] = token.split('.');
  return `${header}.${b64(accessClaims({ sub: 'admin' }))}.${signature}`;
};

const REFUSALS: Refusal[] = [
  {
    name: 'no Authorization header',
    authorization: () => undefined,
    code: 'authorization_required',
    challenge: NO_ERROR,
  },
  {
    name: 'an empty Authorization header',
    authorization: () => '',
    code: 'authorization_required',
    challenge: NO_ERROR,
  },
  // The demo reads the header, then cookies: a header of another scheme holds no Bearer token, so the guard looks in
  // the cookies next and, finding none, answers "missing" (a header-only app answers invalid_authorization_header:
  // per-route-guards and the extractor specs).
  {
    name: 'another scheme (Basic)',
    authorization: () => 'Basic dGVzdDp0ZXN0',
    code: 'authorization_required',
    challenge: NO_ERROR,
  },
  {
    name: 'a token without a scheme',
    authorization: ({ access }) => access,
    code: 'authorization_required',
    challenge: NO_ERROR,
  },
  {
    name: 'the scheme with an empty token',
    authorization: () => 'Bearer ',
    code: 'invalid_authorization_header',
    challenge: INVALID_REQUEST,
  },
  {
    name: 'the scheme with two tokens',
    authorization: ({ access }) => `Bearer ${access} ${access}`,
    code: 'invalid_authorization_header',
    challenge: INVALID_REQUEST,
  },
  { name: 'garbage', authorization: () => 'Bearer garbage', code: 'invalid_token', challenge: INVALID_TOKEN },
  {
    name: 'three segments of garbage',
    authorization: () => 'Bearer a.b.c',
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'a tampered payload',
    authorization: ({ access }) => `Bearer ${tampered(access)}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'a token signed with another key',
    authorization: () => `Bearer ${forge(accessClaims(), { secret: 'another-secret-of-enough-length-0123456789' })}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'alg none',
    authorization: () => `Bearer ${unsigned(accessClaims())}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'alg NoNe',
    authorization: () => `Bearer ${unsigned(accessClaims(), 'NoNe')}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'HS512 with the right secret (not the configured algorithm)',
    authorization: () => `Bearer ${forge(accessClaims(), { alg: 'HS512' })}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'HS384 with the right secret',
    authorization: () => `Bearer ${forge(accessClaims(), { alg: 'HS384' })}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'an expired token',
    authorization: () => `Bearer ${forge(accessClaims({ iat: now() - 100, nbf: now() - 100, exp: now() - 10 }))}`,
    code: 'token_expired',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'nbf in the future',
    authorization: () => `Bearer ${forge(accessClaims({ nbf: now() + 600 }))}`,
    code: 'token_not_yet_valid',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'iat in the future',
    authorization: () => `Bearer ${forge(accessClaims({ iat: now() + 600 }))}`,
    code: 'token_not_yet_valid',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'a refresh token at GET /protected',
    authorization: ({ refresh }) => `Bearer ${refresh}`,
    code: 'wrong_token_type',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'a refresh token at POST /protected-fresh',
    method: 'post',
    path: '/protected-fresh',
    authorization: ({ refresh }) => `Bearer ${refresh}`,
    code: 'wrong_token_type',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'an access token at POST /refresh',
    method: 'post',
    path: '/refresh',
    authorization: ({ access }) => `Bearer ${access}`,
    code: 'wrong_token_type',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'an untyped token',
    authorization: () => `Bearer ${forge(accessClaims({ type: undefined }))}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'an unknown type',
    authorization: () => `Bearer ${forge(accessClaims({ type: 'id' }))}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'an untyped token at POST /refresh',
    method: 'post',
    path: '/refresh',
    authorization: () => `Bearer ${forge(accessClaims({ type: undefined }))}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'a token without exp',
    authorization: () => `Bearer ${forge(accessClaims({ exp: undefined }))}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'a numeric sub',
    authorization: () => `Bearer ${forge(accessClaims({ sub: 123 }))}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'an empty sub',
    authorization: () => `Bearer ${forge(accessClaims({ sub: '' }))}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'a JSON array payload',
    authorization: () => `Bearer ${forge([accessClaims()])}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'a huge token (9 KiB)',
    authorization: () => `Bearer ${forge(accessClaims({ pad: 'x'.repeat(9 * 1024) }))}`,
    code: 'invalid_token',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'an expired refresh token at POST /refresh',
    method: 'post',
    path: '/refresh',
    authorization: () => `Bearer ${forge(accessClaims({ type: 'refresh', exp: now() - 1 }))}`,
    code: 'token_expired',
    challenge: INVALID_TOKEN,
  },
  {
    name: 'an expired refresh token at GET /protected (expiry wins over type)',
    authorization: () => `Bearer ${forge(accessClaims({ type: 'refresh', exp: now() - 1 }))}`,
    code: 'token_expired',
    challenge: INVALID_TOKEN,
  },
];

describe.each(ADAPTERS)('refusals on %s', (adapter) => {
  let server: DemoServer;
  const tokens = { access: '', refresh: '' };

  beforeAll(async () => {
    server = await startDemo(adapter);
    const login = await server.http.post('/login').send({ username: 'test', password: 'test' }).expect(200);
    tokens.access = login.body.access_token;
    tokens.refresh = login.body.refresh_token;
  });
  afterAll(() => server.close());

  it.each(REFUSALS)(
    'refuses $name with 401 $code',
    async ({ method = 'get', path = '/protected', authorization, code, challenge }) => {
      const header = authorization(tokens);
      let req = server.http[method](path);
      if (header !== undefined) req = req.set('Authorization', header);
      const res = await req;

      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), code });
      expect(res.headers['www-authenticate']).toMatch(challenge);
      const token = header?.split(' ').pop();
      if (token && token.length > 20) expect(res.text).not.toContain(token);
      expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
    },
  );

  it('gives messages that say what is wrong', async () => {
    // The demo reads the header, then cookies: the message says where it looked (Flask-JWT-Extended's wording).
    const missing = await server.http.get('/protected');
    expect(missing.body.message).toBe(
      'Missing JWT in headers or cookies (Missing Authorization Header; Missing cookie "access_token_cookie")',
    );
    const scheme = await server.http.get('/protected').set('Authorization', 'Basic x');
    expect(scheme.body.message).toBe(
      "Missing JWT in headers or cookies (Missing 'Bearer' type in 'Authorization' header. Expected " +
        '\'Authorization: Bearer <JWT>\'; Missing cookie "access_token_cookie")',
    );
    const expired = await server.http
      .get('/protected')
      .set('Authorization', `Bearer ${forge(accessClaims({ exp: now() - 1 }))}`);
    expect(expired.body.message).toBe('Token has expired');
    const wrongType = await server.http.post('/refresh').set('Authorization', `Bearer ${tokens.access}`);
    expect(wrongType.body.message).toBe('Only refresh tokens are allowed');
  });
});
