import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { LoginAttemptStore } from '../throttling/login-attempt-store.interface.js';
import type { LoginThrottleSettings } from '../throttling/throttle-settings.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import type { LoginThrottleOptions } from './login-throttle-options.interface.js';
import { implementing, nestedOptions, nonEmptyString, positiveLifetime, wholeNumber } from './option-checks.js';

const KEYS: readonly (keyof LoginThrottleOptions)[] = [
  'maxFailures',
  'window',
  'maxFailuresPerAddress',
  'maxLockout',
  'usernameField',
  'store',
];
const STORE_METHODS = ['increment', 'decrement', 'hold', 'delete'] as const;

/** Resolves `loginThrottle`: 5 failures per username, 100 per address, in 15 minutes; lockouts up to 24 hours. */
export function resolveThrottleOptions(options: AuthModuleOptions): { loginThrottle: LoginThrottleSettings } {
  const given = nestedOptions('loginThrottle', options.loginThrottle, KEYS);
  const windowSeconds = positiveLifetime(given.window ?? 15 * 60, 'loginThrottle.window');
  const maxLockoutSeconds = positiveLifetime(given.maxLockout ?? 24 * 60 * 60, 'loginThrottle.maxLockout');
  if (maxLockoutSeconds < windowSeconds) {
    throw new InvalidAuthOptionError('loginThrottle.maxLockout', 'must be at least loginThrottle.window');
  }
  return {
    loginThrottle: {
      maxFailures: wholeNumber(given.maxFailures ?? 5, 'loginThrottle.maxFailures', 1),
      windowSeconds,
      maxFailuresPerAddress: wholeNumber(given.maxFailuresPerAddress ?? 100, 'loginThrottle.maxFailuresPerAddress', 1),
      maxLockoutSeconds,
      usernameField: nonEmptyString(given.usernameField ?? 'username', 'loginThrottle.usernameField'),
      ...(given.store !== undefined && { store: storeOf(given.store) }),
    },
  };
}

function storeOf(store: LoginAttemptStore): LoginAttemptStore {
  return implementing<LoginAttemptStore>(store, 'loginThrottle.store', 'LoginAttemptStore', STORE_METHODS);
}
