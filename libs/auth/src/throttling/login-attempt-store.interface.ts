/** One counter of a {@link LoginAttemptStore}: how many attempts it holds, and for how long it still holds them. */
export interface AttemptCount {
  /** Attempts counted in the current window (or the count a lockout holds). */
  readonly count: number;
  /** Milliseconds until the counter is forgotten; the window's end, or the lockout's. */
  readonly msLeft: number;
}

/**
 * Where `LoginThrottle` keeps its counters: by default the revocation store's Redis (a `RedisRevocationStore`), so every
 * instance of an app counts together, and otherwise a bounded map in this process. Implement it to keep them
 * elsewhere, and pass it as `loginThrottle.store`. Keys are short and never hold a username or a password as it was
 * typed (usernames are hashed). Every call must settle within the store's own time limit.
 *
 * @example
 * ```ts
 * class PostgresLoginAttempts implements LoginAttemptStore { ... }
 * AuthModule.forRoot({ secret, loginThrottle: { store: new PostgresLoginAttempts(pool) } });
 * // or read it: constructor(@Inject(LoginAttemptStore) private readonly attempts: LoginAttemptStore) {}
 * ```
 */
export interface LoginAttemptStore {
  /**
   * Adds `by` (at least 1) to the counter `key` atomically, starting a window of `windowSeconds` when there is none,
   * and answers the new count. Concurrent calls from any instance must each see a distinct count.
   */
  increment(key: string, windowSeconds: number, by?: number): Promise<AttemptCount>;
  /** Takes one attempt back from `key` (never below zero), keeping its window. */
  decrement(key: string): Promise<void>;
  /** Sets `key` to `count` for `seconds` from now, whatever it held: a lockout. */
  hold(key: string, count: number, seconds: number): Promise<void>;
  /** Forgets `key`. */
  delete(key: string): Promise<void>;
}

/** The injection token of the {@link LoginAttemptStore} in use: `@Inject(LoginAttemptStore)`. */
export const LoginAttemptStore = Symbol('LoginAttemptStore');

/**
 * A revocation store that can keep login attempts beside its revocations (`RedisRevocationStore` does, on its own
 * connection): the module then counts there instead of in memory.
 *
 * @example
 * ```ts
 * if (hasLoginAttemptStore(store)) attempts = store.loginAttemptStore();
 * ```
 */
export interface LoginAttemptStoreSource {
  /** A store of login attempts that shares this store's backend. */
  loginAttemptStore(): LoginAttemptStore;
}

/** Whether `store` offers a {@link LoginAttemptStoreSource.loginAttemptStore}. */
export function hasLoginAttemptStore(store: unknown): store is LoginAttemptStoreSource {
  return typeof (store as Partial<LoginAttemptStoreSource> | null)?.loginAttemptStore === 'function';
}
