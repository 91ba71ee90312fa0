import type { AuthClock } from '../util/auth-clock.js';
import { toLifetimeSeconds } from '../tokens/token-lifetime.js';

/**
 * A clock that moves only when told to: the {@link AuthClock} `AuthTestingModule` provides. Tokens are minted and
 * judged by it, revocations and sessions expire by it, events are stamped with it; nothing waits for real time.
 *
 * @example
 * ```ts
 * const clock = new TestClock(Date.parse('2030-01-01T00:00:00Z'));
 * clock.advance('16m'); // a 15-minute access token minted before answers token_expired
 * clock.advance(30); // seconds
 * ```
 */
export class TestClock implements AuthClock {
  private current: number;

  /** @param start where time starts, in epoch milliseconds or as a `Date`; default the real now. */
  constructor(start: number | Date = Date.now()) {
    this.current = toMillis(start, 'start');
  }

  /** Now, in epoch milliseconds. */
  now(): number {
    return this.current;
  }

  /**
   * Moves time forward by `duration`: seconds (`90`) or a duration string (`'15m'`, `'2h'`, `'30d'`). Returns the new
   * now (epoch ms). Time never moves back: a negative duration throws.
   */
  advance(duration: number | string): number {
    const seconds = toLifetimeSeconds(duration, 'advance');
    if (seconds === false || seconds < 0)
      throw new RangeError(`TestClock.advance: not a duration: ${String(duration)}`);
    this.current += seconds * 1000;
    return this.current;
  }

  /** Sets now to `time` (epoch milliseconds or a `Date`), forward or back. */
  set(time: number | Date): void {
    this.current = toMillis(time, 'set');
  }
}

function toMillis(time: number | Date, method: string): number {
  const millis = time instanceof Date ? time.getTime() : time;
  if (!Number.isFinite(millis)) throw new RangeError(`TestClock.${method}: not a time: ${String(time)}`);
  return millis;
}
