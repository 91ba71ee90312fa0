// The Redis revocation store, the package's second entry point: `nest-jwt-extended/redis`. Kept out of the main entry
// so that an app without ioredis (an optional peer) never meets its types, even with skipLibCheck off. Importing it
// loads no ioredis: a store loads it when it is built, and without it throws "nest-jwt-extended/redis needs ioredis:
// npm install ioredis".
export {
  RedisRevocationStore,
  type RedisRevocationStoreConnection,
  type RedisRevocationStoreOptions,
  type RedisSentinelOptions,
} from './revocation/redis/redis-revocation.store.js';
export { RedisDpopReplayStore, type RedisDpopReplayStoreOptions } from './dpop/redis-dpop-replay.store.js';
