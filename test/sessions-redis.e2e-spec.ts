import { afterAll } from '@jest/globals';
import { deleteKeys, describeWithRedis, REDIS_URL, redisAnswers, uniquePrefix } from './support/redis.js';
import { describeSessionSuite } from './support/session-suite.js';

const describeRedis = await describeWithRedis();
const prefix = uniquePrefix('sessions');

// @nestjs/config reads the environment once per file: both adapters' apps share this prefix, hence one Redis store.
describeSessionSuite(describeRedis, 'Redis', { REDIS_URL, REDIS_KEY_PREFIX: prefix });

afterAll(async () => {
  if (await redisAnswers()) await deleteKeys(prefix);
});
