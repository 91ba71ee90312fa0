import type { Cluster, Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { AttemptCount, LoginAttemptStore } from '../login-attempt-store.interface.js';

/** What a {@link RedisLoginAttemptStore} is built on: a connection and a time limit, both its revocation store's. */
export interface RedisLoginAttemptConnection {
  /** The command connection, ready (or a rejection once its bounded wait is over). */
  readonly commands: () => Promise<Redis | Cluster>;
  /** Bounds one command in time: rejects when it has not answered within the store's `commandTimeoutMs`. */
  readonly run: <T>(command: Promise<T>, what: string) => Promise<T>;
  /** Prefix of every key, the revocation store's plus `login:`. */
  readonly keyPrefix: string;
}

// Counts are read as numbers: rate-limiter-flexible refuses above `points`, which we never want it to do (the throttle
// decides), so it gets the largest count Redis' INCRBY can hold.
const NEVER_REFUSE = Number.MAX_SAFE_INTEGER;

/**
 * Login attempts in Redis, on a `RedisRevocationStore`'s own connection (`store.loginAttemptStore()`), counted by
 * rate-limiter-flexible's `RateLimiterRedis`: one script sets the key with its expiry and increments it atomically,
 * so every instance sees a distinct count, on one Redis, Sentinel or Cluster (each counter is one key). Bounds: each
 * call is one command (one key, a few bytes) answered within the store's command timeout; every key expires with its
 * window or lockout, so Redis holds at most one small key per username and address seen in the last window.
 *
 * @example
 * ```ts
 * const store = new RedisRevocationStore({ url: process.env.REDIS_URL! });
 * AuthModule.forRoot({ secret, revocationStore: store }); // login attempts go to the same Redis
 * ```
 */
export class RedisLoginAttemptStore implements LoginAttemptStore {
  private limiter?: { client: Redis | Cluster; limiter: RateLimiterRedis };

  constructor(private readonly connection: RedisLoginAttemptConnection) {}

  async increment(key: string, windowSeconds: number, by = 1): Promise<AttemptCount> {
    const limiter = await this.limiterOf();
    const result = await this.connection.run(
      limiter.consume(key, by, { customDuration: windowSeconds }),
      'login attempts',
    );
    return { count: result.consumedPoints, msLeft: result.msBeforeNext };
  }

  async decrement(key: string): Promise<void> {
    const limiter = await this.limiterOf();
    const result = await this.connection.run(limiter.reward(key, 1), 'login attempts');
    // A refund of a counter that had expired meanwhile leaves -1 behind, which would grant an extra attempt.
    if (result.consumedPoints < 0) await this.connection.run(limiter.delete(key), 'login attempts');
  }

  async hold(key: string, count: number, seconds: number): Promise<void> {
    const limiter = await this.limiterOf();
    await this.connection.run(limiter.set(key, count, seconds), 'login attempts');
  }

  async delete(key: string): Promise<void> {
    const limiter = await this.limiterOf();
    await this.connection.run(limiter.delete(key), 'login attempts');
  }

  // Built on the connection once it is open (the limiter defines its script on the client); again only if the
  // revocation store has opened a new client meanwhile.
  private async limiterOf(): Promise<RateLimiterRedis> {
    const client = await this.connection.commands();
    if (this.limiter?.client !== client) {
      this.limiter = {
        client,
        limiter: new RateLimiterRedis({
          storeClient: client,
          keyPrefix: this.connection.keyPrefix,
          points: NEVER_REFUSE,
          duration: 60,
          // Fail at once while Redis is down: the throttle then follows revocationFailOpen.
          rejectIfRedisNotReady: true,
        }),
      };
    }
    return this.limiter.limiter;
  }
}
