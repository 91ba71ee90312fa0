import { Logger } from '@nestjs/common';
import type { DpopReplayStore } from './dpop-replay-store.interface.js';

/** The default bound of {@link MemoryDpopReplayStore}: about 12 MB of ids at most. */
export const DEFAULT_REPLAY_CACHE_SIZE = 100_000;

/**
 * The replay cache of one process: ids in a `Map` with their expiry, in insertion order. Every id lives the same
 * `ttlSeconds` (the proof window), so the oldest entry is also the first to expire and pruning reads from the front
 * only. Bounded in time (an entry goes when its window closes) and in size (`maxEntries`): when full of live entries,
 * the oldest goes first and a warning is logged once, since a replay of that proof would then pass for the rest of its
 * window; size the bound above (proofs per second) x (window), or share a Redis store.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, dpop: { replayStore: new MemoryDpopReplayStore(200_000) } });
 * ```
 */
export class MemoryDpopReplayStore implements DpopReplayStore {
  private readonly seen = new Map<string, number>();
  private warned = false;

  constructor(private readonly maxEntries: number = DEFAULT_REPLAY_CACHE_SIZE) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError('MemoryDpopReplayStore: maxEntries must be a whole number >= 1');
    }
  }

  /** Entries held now (expired ones included until the next write prunes them). */
  get size(): number {
    return this.seen.size;
  }

  useOnce(id: string, ttlSeconds: number): boolean {
    const now = Date.now();
    const known = this.seen.get(id);
    if (known !== undefined && known > now) return false;
    this.prune(now);
    if (this.seen.size >= this.maxEntries) {
      if (!this.warned) {
        this.warned = true;
        new Logger('DPoP').warn(
          `The DPoP replay cache is full (${this.maxEntries} live proofs): the oldest are forgotten early. ` +
            'Raise dpop.replayCacheSize or use RedisDpopReplayStore.',
        );
      }
      this.seen.delete(this.seen.keys().next().value!);
    }
    // Deleted first, so that a re-used expired id moves to the back and the front stays the oldest.
    this.seen.delete(id);
    this.seen.set(id, now + ttlSeconds * 1000);
    return true;
  }

  // Expired entries sit at the front; a few are dropped per write, so no write pays for a long backlog at once.
  private prune(now: number): void {
    let budget = 8;
    for (const [id, expiresAt] of this.seen) {
      if (expiresAt > now || budget === 0) return;
      this.seen.delete(id);
      budget -= 1;
    }
  }
}
