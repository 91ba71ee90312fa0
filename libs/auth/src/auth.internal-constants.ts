/** Where a guard leaves the verified token on the request for the decorators (not enumerable, not serialisable). */
export const VERIFIED_TOKEN = Symbol('nest-jwt-extended:verified-token');
/** Injection token of the validated, resolved options (keys built, durations in seconds). */
export const RESOLVED_AUTH_OPTIONS = Symbol('RESOLVED_AUTH_OPTIONS');
