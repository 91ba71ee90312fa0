import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDemo, type DemoServer } from './support/demo-server.js';
import { ADAPTERS } from './support/test-env.js';

describe.each(ADAPTERS)('POST /login on %s', (adapter) => {
  let server: DemoServer;

  beforeAll(async () => {
    server = await startDemo(adapter);
  });
  afterAll(() => server.close());

  const post = (body: string | object, type = 'application/json') =>
    server.http
      .post('/login')
      .set('Content-Type', type)
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  it('answers good credentials with a fresh access token and a refresh token', async () => {
    const res = await post({ username: 'test', password: 'test' }).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'refresh_token']);
    const claims = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'test', type: 'access', fresh: true });
    const refreshClaims = JSON.parse(Buffer.from(res.body.refresh_token.split('.')[1], 'base64url').toString());
    expect(refreshClaims).toMatchObject({ sub: 'test', type: 'refresh', fresh: false });
  });

  it.each([
    ['a wrong password', { username: 'test', password: 'wrong' }],
    ['an unknown user', { username: 'nobody', password: 'test' }],
  ])('refuses %s with 401 invalid_credentials', async (_name, body) => {
    const res = await post(body).expect(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Bad username or password',
      code: 'invalid_credentials',
    });
    expect(res.text).not.toContain(body.password);
  });

  it.each([
    ['a missing password', { username: 'test' }, ['password must be a string']],
    ['a missing username', { password: 'test' }, ['username must be a string']],
    ['an empty body object', {}, ['username must be a string', 'password must be a string']],
    ['a numeric username', { username: 1, password: 'test' }, ['username must be a string']],
    ['an object as password', { username: 'test', password: { $gt: '' } }, ['password must be a string']],
    ['an empty username', { username: '', password: 'test' }, ['username should not be empty']],
    [
      'an overlong password',
      { username: 'test', password: 'p'.repeat(2000) },
      ['password must be shorter than or equal to 1024 characters'],
    ],
  ])('refuses %s with 400 validation_failed and field messages', async (_name, body, messages) => {
    const res = await post(body).expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: messages, code: 'validation_failed' });
  });

  it('refuses broken JSON with 400 invalid_json, without quoting the body back', async () => {
    const res = await post('{"username":"test","password":"hunter2-secret"').expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Request body must be a JSON object',
      code: 'invalid_json',
    });
    expect(res.text).not.toContain('hunter2');
  });

  it.each(['[]', '"text"', 'null', '42'])('refuses the JSON value %s with a 400 and a code', async (body) => {
    const res = await post(body).expect(400);
    expect(['invalid_json', 'validation_failed']).toContain(res.body.code);
    expect(res.body.statusCode).toBe(400);
  });

  it('refuses a body that is not JSON with a 400 and a code', async () => {
    const res = await post('username=test&password=test', 'text/plain');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(typeof res.body.code).toBe('string');
  });

  it('answers an unknown route with a 404 JSON and a code', async () => {
    const res = await server.http.get('/no-such-route').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'not_found' });
  });
});
