import type { LoginAttemptStore } from './login-attempt-store.interface.js';

/** The resolved `loginThrottle` option. */
export interface LoginThrottleSettings {
  /** Failed attempts per username within the window; the next one is refused (429). */
  readonly maxFailures: number;
  /** The window of every counter, in seconds, and the length of a username's first lockout. */
  readonly windowSeconds: number;
  /** Attempts from one client address (any username) within the window before 429: the ceiling on spraying. */
  readonly maxFailuresPerAddress: number;
  /** The longest lockout, in seconds: each lockout of a username within a day doubles the one before, up to this. */
  readonly maxLockoutSeconds: number;
  /** The body field `@ThrottleLogin()` reads the username from. */
  readonly usernameField: string;
  /** The app's store; undefined: the revocation store's backend (Redis), else memory. */
  readonly store?: LoginAttemptStore;
}

/** The resolved settings `LoginThrottle` reads. Declared beside the code that reads them. */
export interface ThrottleSettings {
  readonly loginThrottle: LoginThrottleSettings;
  /** Whether an unreachable store lets logins through (true) or refuses them with 503 (false). */
  readonly revocationFailOpen: boolean;
}
