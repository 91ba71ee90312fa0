/**
 * Injection token of the validated, resolved options (keys built, durations in seconds). Each service injects it typed
 * as the settings its own folder declares (`TokenSettings`, `RevocationSettings`, ...), so no feature imports
 * `options/`, which composes them. Kept at the bottom layer so that every feature may import it.
 */
export const RESOLVED_AUTH_OPTIONS = Symbol('RESOLVED_AUTH_OPTIONS');

/**
 * Injection token of the options rewrite `AuthTestingModule` provides (globally) for a test: a function from the app's
 * options to the options the test runs with (its own secret, a memory store with the test clock, events recorded).
 * Absent in an app: the options are resolved as given.
 */
export const AUTH_TESTING_OPTIONS = Symbol('AUTH_TESTING_OPTIONS');
