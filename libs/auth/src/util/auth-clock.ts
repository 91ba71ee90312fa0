/**
 * The time the library judges tokens by, in milliseconds since the epoch: `exp`, `nbf`, `iat` and freshness when a
 * token is verified, `iat` when one is minted, revocation windows, session lifetimes and the `at` of security events.
 * Nothing provides it in an app, and the library reads `Date.now()`; a test provides one (`AuthTestingModule` does, from
 * `nest-jwt-extended/testing`) to move time without waiting. Provide it globally, under the {@link AuthClock} token,
 * so that every service of `AuthModule` finds it.
 *
 * @example
 * ```ts
 * let now = Date.parse('2030-01-01T00:00:00Z');
 * const clock: AuthClock = { now: () => now };
 * // in a global test module: providers: [{ provide: AuthClock, useValue: clock }], exports: [AuthClock]
 * now += 16 * 60_000; // a 15-minute access token minted before now answers token_expired
 * ```
 */
export interface AuthClock {
  /** Now, in milliseconds since the epoch (what `Date.now()` answers). */
  now(): number;
}

/** Injection token of the {@link AuthClock}; optional: without it the library reads `Date.now()`. */
export const AuthClock = Symbol('AuthClock');

/**
 * The `now` a service keeps in a field: `Date.now` itself when no clock is provided, so the production path calls what
 * it called before the clock existed (no wrapper, no extra call); else the clock's method, bound once.
 *
 * @example
 * ```ts
 * constructor(@Optional() @Inject(AuthClock) clock?: AuthClock) { this.now = nowOf(clock); }
 * ```
 */
export function nowOf(clock: AuthClock | undefined): () => number {
  return clock === undefined ? Date.now : clock.now.bind(clock);
}
