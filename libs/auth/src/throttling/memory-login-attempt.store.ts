import type { AttemptCount, LoginAttemptStore } from './login-attempt-store.interface.js';

/** The most counters a {@link MemoryLoginAttemptStore} keeps by default: about 10 MB at most. */
export const DEFAULT_MAX_TRACKED_ATTEMPTS = 100_000;

interface Counter {
  count: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Login attempts in this process: enough for one instance; several instances need a shared store (with a
 * `RedisRevocationStore` the module uses its Redis). Bounded: at most `maxKeys` counters; when full, the counter whose
 * window opened first goes (an attacker who floods it with addresses to push a counter out is stopped by each
 * address's own ceiling first). Expired counters are dropped when met, so no timer is kept per key.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, loginThrottle: { store: new MemoryLoginAttemptStore(10_000) } });
 * ```
 */
export class MemoryLoginAttemptStore implements LoginAttemptStore {
  // Insertion order is window-opening order: the first entry is the one to evict.
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly maxKeys = DEFAULT_MAX_TRACKED_ATTEMPTS,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxKeys) || maxKeys < 1)
      throw new RangeError('MemoryLoginAttemptStore: maxKeys must be >= 1');
  }

  /** How many counters are held. */
  get size(): number {
    return this.counters.size;
  }

  async increment(key: string, windowSeconds: number, by = 1): Promise<AttemptCount> {
    const now = this.now();
    let counter = this.live(key, now);
    if (counter === undefined) {
      counter = { count: 0, expiresAt: now + windowSeconds * 1000 };
      this.insert(key, counter, now);
    }
    counter.count += by;
    return { count: counter.count, msLeft: counter.expiresAt - now };
  }

  async decrement(key: string): Promise<void> {
    const counter = this.live(key, this.now());
    if (counter !== undefined) counter.count = Math.max(0, counter.count - 1);
  }

  async hold(key: string, count: number, seconds: number): Promise<void> {
    const now = this.now();
    // Moved to the end: a lockout is the newest thing known of this key.
    this.counters.delete(key);
    this.insert(key, { count, expiresAt: now + seconds * 1000 }, now);
  }

  async delete(key: string): Promise<void> {
    this.counters.delete(key);
  }

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter === undefined || counter.expiresAt > now) return counter;
    this.counters.delete(key);
    return undefined;
  }

  private insert(key: string, counter: Counter, now: number): void {
    if (this.counters.size >= this.maxKeys) this.evict(now);
    this.counters.set(key, counter);
  }

  /** Drops expired counters from the front (at most 16 looked at), else the oldest one. */
  private evict(now: number): void {
    let looked = 0;
    for (const [key, counter] of this.counters) {
      if (looked === 0 || counter.expiresAt <= now) this.counters.delete(key);
      else break;
      if ((looked += 1) >= 16) break;
    }
  }
}
