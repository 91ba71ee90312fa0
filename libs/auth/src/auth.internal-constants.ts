/**
 * Injection token of the validated, resolved options (keys built, durations in seconds). Each service injects it typed
 * as the settings its own folder declares (`TokenSettings`, `RevocationSettings`, ...), so no feature imports
 * `options/`, which composes them. Kept at the bottom layer so that every feature may import it.
 */
export const RESOLVED_AUTH_OPTIONS = Symbol('RESOLVED_AUTH_OPTIONS');
