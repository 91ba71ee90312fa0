// The Redis revocation store, the package's second entry point: `nest-jwt-extended/redis`. Kept out of the main entry
// so that an app without ioredis (an optional peer) never meets its types, even with skipLibCheck off.
export {
  RedisRevocationStore,
  type RedisRevocationStoreConnection,
  type RedisRevocationStoreOptions,
  type RedisSentinelOptions,
} from './revocation/redis-revocation.store.js';
