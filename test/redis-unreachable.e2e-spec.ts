import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { accessClaims, forge } from './support/forge.js';
import { sparePort } from './support/redis.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';

const PASSWORD = 'redis-pw-never-logged';

/**
 * The demo started with a REDIS_URL on which nothing listens: it says so once, naming the URL (password masked) and
 * the cause, and fails closed: logins and guarded routes answer 503 `revocation_unavailable`.
 */
describe.each(ADAPTERS)('the demo (%s) with a Redis that does not answer', (adapter) => {
  let demo: DemoProcess;
  let port: number;

  beforeAll(async () => {
    port = await sparePort(); // free a moment ago: nothing listens there
    demo = await DemoProcess.start({
      HTTP_ADAPTER: adapter,
      REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}/0`,
      REVOCATION_TIMEOUT_MS: '200',
    });
  }, startUpTimeout());
  afterAll(() => demo?.stop());

  const outageLine = () =>
    `Redis at redis://:****@127.0.0.1:${port}/0 does not answer (connect ECONNREFUSED 127.0.0.1:${port}); ` +
    'revocation checks answer 503 until it does';
  const count = (text: string, part: string) => text.split(part).length - 1;

  it('logs the outage at start-up, once, with the URL and the cause and without the password', () => {
    expect(count(demo.log, outageLine())).toBe(1);
    expect(demo.log).not.toContain(PASSWORD);
  });

  it('answers 503 revocation_unavailable on a guarded route and on login, and logs nothing more', async () => {
    const http = request(demo.url);
    const guarded = await http.get('/protected').set('Authorization', `Bearer ${forge(accessClaims())}`);
    expect([guarded.status, guarded.body.code]).toEqual([503, 'revocation_unavailable']);
    expect(Number(guarded.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const login = await http.post('/login').send({ username: 'test', password: 'test' });
    expect([login.status, login.body.code]).toEqual([503, 'revocation_unavailable']);
    // ioredis has retried meanwhile, each retry failing anew: still the one line.
    expect(count(demo.log, 'does not answer')).toBe(1);
    expect(demo.log).not.toContain(PASSWORD);
  });
});
