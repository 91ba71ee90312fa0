/** Injection token of the validated, resolved options (keys built, durations in seconds). */
export const RESOLVED_AUTH_OPTIONS = Symbol('RESOLVED_AUTH_OPTIONS');
