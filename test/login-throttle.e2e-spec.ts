import { afterAll, beforeAll, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoProcess } from './support/demo-process.js';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from './support/redis.js';
import { ADAPTERS, startUpTimeout } from './support/test-env.js';

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('login-throttle');
/** The wrong password every failure sends: found nowhere in answers or logs. */
const WRONG = 'not-the-password-7f3a';

/**
 * The demo's login throttle on two instances sharing one Redis: failures counted on A refuse the next attempt on B,
 * before any password is hashed. Each run uses usernames of its own (the demo's DEMO_USERS), so no test sees another's
 * counters.
 */
describeRedis.each(ADAPTERS)('login throttle across two demo instances sharing Redis, on %s', (adapter) => {
  let a: DemoProcess;
  let b: DemoProcess;

  beforeAll(async () => {
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX: `${prefix}${adapter}:`,
      HTTP_ADAPTER: adapter,
      DEMO_USERS: 'ann:ann-pw,ben:ben-pw,cat:cat-pw,dan:dan-pw',
    };
    [a, b] = await Promise.all([DemoProcess.start(env), DemoProcess.start(env)]);
  }, startUpTimeout());
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await deleteKeys(prefix);
  });

  const attempt = (url: string, username: string, password: string, path = '/login') =>
    request(url).post(path).send({ username, password });

  it('answers the 6th failure for one username with 429 too_many_attempts and Retry-After, from the other instance', async () => {
    for (let failure = 1; failure <= 5; failure += 1) {
      const res = await attempt(failure % 2 ? a.url : b.url, 'ann', WRONG);
      expect([failure, res.status, res.body.code]).toEqual([failure, 401, 'invalid_credentials']);
    }
    const sixth = await attempt(b.url, 'ann', WRONG);
    expect([sixth.status, sixth.body.code]).toEqual([429, 'too_many_attempts']);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(900);
    // Locked out: the right password too, on either instance, and the browser login as well.
    expect((await attempt(a.url, 'ann', 'ann-pw')).status).toBe(429);
    expect((await attempt(b.url, 'ann', 'ann-pw', '/web/login')).status).toBe(429);
    // The answer names no password and no username.
    expect(JSON.stringify(sixth.body)).not.toContain(WRONG);
    expect(JSON.stringify(sixth.body)).not.toContain('ann');
  });

  it('keeps another username from the same address on a counter of its own', async () => {
    for (let failure = 1; failure <= 5; failure += 1) await attempt(a.url, 'ben', WRONG).expect(401);
    expect((await attempt(a.url, 'ben', WRONG)).status).toBe(429);
    const other = await attempt(b.url, 'cat', 'cat-pw').expect(200);
    expect(typeof other.body.access_token).toBe('string');
  });

  it('forgets a username’s failures when it logs in', async () => {
    for (let failure = 1; failure <= 4; failure += 1) await attempt(a.url, 'dan', WRONG).expect(401);
    await attempt(b.url, 'dan', 'dan-pw').expect(200);
    // Five more failures are counted from zero: none of them is refused.
    for (let failure = 1; failure <= 5; failure += 1) await attempt(b.url, 'dan', WRONG).expect(401);
    expect((await attempt(a.url, 'dan', WRONG)).status).toBe(429);
  });

  it('logs login_failed and login_throttled with the username and address, never the password', () => {
    const log = a.log + b.log;
    expect(log).toMatch(/"type":"login_failed","username":"ann","address":"[^"]+"/);
    expect(log).toMatch(/"type":"login_throttled","username":"ann"/);
    expect(log).not.toContain(WRONG);
    expect(log).not.toContain('ann-pw');
  });
});
