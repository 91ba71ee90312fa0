import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { describeWithRedisServer } from '../../../../../test/support/redis-cluster.js';
import { PrivateRedis } from '../../../../../test/support/redis.js';
import {
  describeRedisCause,
  describeRedisTarget,
  maskRedisUrl,
  RedisOutageLog,
} from './redis-revocation.outage-log.js';
import { RedisRevocationStore } from './redis-revocation.store.js';
import type { RevocationFeed } from '../revocation-store.interface.js';

/** Resolves once `check` holds; fails after `timeoutMs`. */
async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function fakeLogger() {
  return { warn: jest.fn<(message: unknown) => void>(), log: jest.fn<(message: unknown) => void>() };
}

describe('maskRedisUrl', () => {
  it.each([
    ['redis://:s3cret-pw@127.0.0.1:6390/0', 'redis://:****@127.0.0.1:6390/0'],
    ['redis://alice:s3cret-pw@redis.internal:6379', 'redis://alice:****@redis.internal:6379'],
    ['rediss://alice:p%40ss%2Fword@redis.internal:6380/2', 'rediss://alice:****@redis.internal:6380/2'],
    ['redis://127.0.0.1:6379?password=s3cret-pw&db=1', 'redis://127.0.0.1:6379?password=****&db=1'],
    ['redis://alice@127.0.0.1:6379', 'redis://alice@127.0.0.1:6379'],
    ['redis://127.0.0.1:6379/0', 'redis://127.0.0.1:6379/0'],
  ])('%s -> %s', (url, masked) => {
    expect(maskRedisUrl(url)).toBe(masked);
  });

  it('masks up to the last @ of a string that is not a URL', () => {
    expect(maskRedisUrl('user:s3cret@pw@host:6379')).toBe('****@host:6379');
    expect(maskRedisUrl('host:6379')).toBe('host:6379');
  });
});

describe('describeRedisTarget', () => {
  it('names a URL, a cluster, a sentinel setup and a client of the app', () => {
    expect(describeRedisTarget({ url: 'redis://:pw-1234@10.0.0.1:6379/0' })).toBe(
      'Redis at redis://:****@10.0.0.1:6379/0',
    );
    expect(
      describeRedisTarget({ cluster: [{ host: '10.0.0.1', port: 7000 }, 7001, 'redis://:pw-1234@10.0.0.3:7002'] }),
    ).toBe('Redis Cluster at 10.0.0.1:7000, 127.0.0.1:7001, redis://:****@10.0.0.3:7002');
    expect(
      describeRedisTarget({
        sentinel: {
          name: 'main',
          sentinels: [
            { host: '10.0.0.2', port: 26379 },
            { host: '10.0.0.3', port: 26379 },
          ],
        },
      }),
    ).toBe('Redis master "main" via Sentinel at 10.0.0.2:26379, 10.0.0.3:26379');
    const client = new Redis({ host: '10.0.0.4', port: 6380, db: 3, password: 'pw-1234', lazyConnect: true });
    expect(describeRedisTarget({ client })).toBe('Redis at 10.0.0.4:6380/3');
    client.disconnect();
  });
});

describe('describeRedisCause', () => {
  it("gives Node's words, every address tried, and a cluster's last node error", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { code: 'ECONNREFUSED' });
    expect(describeRedisCause(refused)).toBe('connect ECONNREFUSED 127.0.0.1:6390');
    const both = Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:6390'), refused], ''), {
      code: 'ECONNREFUSED',
    });
    expect(describeRedisCause(both)).toBe('connect ECONNREFUSED ::1:6390; connect ECONNREFUSED 127.0.0.1:6390');
    const cluster = Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: refused });
    expect(describeRedisCause(cluster)).toBe('Failed to refresh slots cache. connect ECONNREFUSED 127.0.0.1:6390');
    expect(describeRedisCause('odd')).toBe('odd');
  });
});

describe('RedisOutageLog', () => {
  const refused = new Error('connect ECONNREFUSED 127.0.0.1:6390');

  it('logs the first failure of an outage once, with the URL masked and the cause, and the recovery once', () => {
    const logger = fakeLogger();
    const log = new RedisOutageLog({ url: 'redis://:s3cret-pw@127.0.0.1:6390/0' }, logger);
    log.answered(); // a first connection: nothing to say
    for (let retry = 0; retry < 50; retry += 1) log.failed(refused);
    expect(logger.warn.mock.calls).toEqual([
      [
        'Redis at redis://:****@127.0.0.1:6390/0 does not answer (connect ECONNREFUSED 127.0.0.1:6390); ' +
          'revocation checks answer 503 until it does',
      ],
    ]);
    log.answered();
    log.answered();
    expect(logger.log.mock.calls).toEqual([['Redis at redis://:****@127.0.0.1:6390/0 answers again']]);
    log.failed(refused);
    expect(logger.warn).toHaveBeenCalledTimes(2); // a new outage is told again
  });

  it('never writes the password, even should a cause quote it', () => {
    const logger = fakeLogger();
    const log = new RedisOutageLog({ url: 'redis://:p%40ss-word@127.0.0.1:6390' }, logger);
    log.failed(new Error('auth failed for p@ss-word and p%40ss-word'));
    const line = String(logger.warn.mock.calls[0]![0]);
    expect(line).not.toContain('p@ss-word');
    expect(line).not.toContain('p%40ss-word');
    expect(line).toContain('Redis at redis://:****@127.0.0.1:6390 does not answer (auth failed for **** and ****)');
  });
});

describeWithRedisServer()('RedisRevocationStore on a Redis that does not answer', () => {
  let redis: PrivateRedis | undefined;
  let store: RedisRevocationStore | undefined;

  afterEach(async () => {
    await store?.close();
    await redis?.stop();
    jest.restoreAllMocks();
  });

  it('logs the outage once however often ioredis retries, and the recovery once', async () => {
    redis = await PrivateRedis.start();
    await redis.stop(); // its port is now closed, and free for the same server to come back on
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const failures = jest.spyOn(RedisOutageLog.prototype, 'failed');
    // No password here (this Redis has none, and ioredis would warn); the e2e suite checks one never shows.
    store = new RedisRevocationStore({ url: `redis://127.0.0.1:${redis.port}/0`, commandTimeoutMs: 200 });
    const feed: RevocationFeed = { revoked: () => undefined, connectionChanged: () => undefined };
    await store.subscribe(feed);
    const query = { jti: 'j', identity: 'alice', issuedAt: 0 };
    // Both connections retry; every failure is reported to the log, which speaks once.
    while (failures.mock.calls.length < 6) await expect(store.isRevoked(query)).rejects.toThrow();
    const lines = warn.mock.calls.map(([line]) => String(line));
    expect(lines).toEqual([
      `Redis at redis://127.0.0.1:${redis.port}/0 does not answer (connect ECONNREFUSED 127.0.0.1:${redis.port}); ` +
        'revocation checks answer 503 until it does',
    ]);

    await redis.start();
    await eventually(() => log.mock.calls.length > 0);
    await expect(store.isRevoked(query)).resolves.toBe(false);
    expect(log.mock.calls).toEqual([[`Redis at redis://127.0.0.1:${redis.port}/0 answers again`]]);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
