import {
  RedisConnection,
  type RedisRevocationStoreConnection,
} from '../revocation/redis/redis-revocation.connection.js';
import { withTimeout } from '../revocation/with-timeout.js';
import type { DpopReplayStore } from './dpop-replay-store.interface.js';

/**
 * Options of {@link RedisDpopReplayStore}: where Redis is, as for `RedisRevocationStore`.
 *
 * @example
 * ```ts
 * const options: RedisDpopReplayStoreOptions = { url: 'redis://127.0.0.1:6379', keyPrefix: 'api:' };
 * ```
 */
export type RedisDpopReplayStoreOptions = RedisRevocationStoreConnection & {
  /** Prefix of every key (`<prefix>dpop:<id>`). Default `nest-jwt-extended:`, as the revocation store's. */
  keyPrefix?: string;
  /** Longest wait for one Redis command, in milliseconds. Default 1000. */
  commandTimeoutMs?: number;
};

/**
 * The DPoP replay cache in Redis, shared by every instance of an app: a proof accepted by one is refused by all the
 * others. One `SET key 1 EX ttl NX` per proof: atomic (two instances racing with one proof cannot both win), and each
 * key expires with the proof's window, so Redis holds at most (proofs per second) x (window) small keys. Put it on
 * the Redis of the revocation store (same URL and prefix): the keys do not collide.
 *
 * A command that fails or takes longer than `commandTimeoutMs` refuses the request with 503
 * `dpop_replay_unavailable` (fail closed: a replay cache that cannot answer cannot tell a replay). Needs ioredis.
 *
 * @example
 * ```ts
 * import { RedisDpopReplayStore } from 'nest-jwt-extended/redis';
 *
 * AuthModule.forRoot({
 *   secret,
 *   revocationStore: new RedisRevocationStore({ url: process.env.REDIS_URL! }),
 *   dpop: { replayStore: new RedisDpopReplayStore({ url: process.env.REDIS_URL! }) },
 * });
 * ```
 */
export class RedisDpopReplayStore implements DpopReplayStore {
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly connection: RedisConnection;

  constructor(options: RedisDpopReplayStoreOptions) {
    const given = [options?.url, options?.client, options?.cluster, options?.sentinel].filter((v) => v !== undefined);
    if (given.length !== 1) throw new TypeError('RedisDpopReplayStore needs one of url, client, cluster or sentinel');
    this.prefix = `${options.keyPrefix ?? 'nest-jwt-extended:'}dpop:`;
    this.timeoutMs = options.commandTimeoutMs ?? 1000;
    // The connection class of the revocation store (reconnection, outage log, bounded connect); its channel is unused.
    this.connection = new RedisConnection(options, this.timeoutMs, `${this.prefix}unused`);
  }

  async useOnce(id: string, ttlSeconds: number): Promise<boolean> {
    const redis = await this.connection.commands();
    const set = await withTimeout(
      redis.set(`${this.prefix}${id}`, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX'),
      this.timeoutMs,
      'Redis (DPoP replay)',
    );
    return set === 'OK';
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
