import type { LoginAttemptStore } from '../throttling/login-attempt-store.interface.js';
import type { TokenLifetime } from '../tokens/token-lifetime.js';

/**
 * How `LoginThrottle` and `@ThrottleLogin()` throttle password logins. Counters are kept where revocations are (the
 * Redis of a `RedisRevocationStore`, shared by every instance), else in memory, unless `store` says otherwise.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, loginThrottle: { maxFailures: 5, window: '15m', maxFailuresPerAddress: 100 } });
 * ```
 */
export interface LoginThrottleOptions {
  /** Failed attempts per username within `window`; the next is refused with 429 `too_many_attempts`. Default 5. */
  maxFailures?: number;
  /** The counting window, and the first lockout's length (seconds or `'15m'`). Default 15 minutes. */
  window?: TokenLifetime;
  /** Attempts from one client address, whatever the username, within `window` (stops spraying). Default 100. */
  maxFailuresPerAddress?: number;
  /** The longest lockout: each lockout of a username within a day doubles the last, up to this. Default 24 hours. */
  maxLockout?: TokenLifetime;
  /** The body field `@ThrottleLogin()` reads the username from. Default `username`. */
  usernameField?: string;
  /** Where the counters live. Default: the revocation store's Redis (`RedisRevocationStore`), else memory. */
  store?: LoginAttemptStore;
}
