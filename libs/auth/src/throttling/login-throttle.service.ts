import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { SecurityEvents } from '../events/security-events.js';
import { addressKeyOf } from './client-address.js';
import { type AttemptCount, LoginAttemptStore } from './login-attempt-store.interface.js';
import type { LoginThrottleSettings, ThrottleSettings } from './throttle-settings.js';

/** How long a username's lockouts are remembered to make the next one longer. */
const LOCKOUT_MEMORY_SECONDS = 24 * 60 * 60;
/** The longest username an event carries; keys hold a hash of it, whatever its length. */
const MAX_EVENT_USERNAME = 256;
/** The most lockouts this instance remembers to refuse without asking the store (oldest dropped first). */
const MAX_KNOWN_LOCKOUTS = 10_000;

/**
 * Throttles password logins (the app owns the credentials, the library the counters): {@link check} before the
 * password is hashed, {@link recordFailure} or {@link recordSuccess} after. `check` counts the attempt atomically, so a
 * burst of concurrent guesses gets no more hashes than `maxFailures`; the next attempt for that username within the
 * window is refused with 429 `too_many_attempts` and `Retry-After`, on any instance sharing the store, and each new
 * lockout of the username within a day lasts twice the one before (up to `maxLockout`). A success forgets the
 * username's failures. Every client address has its own ceiling across usernames (`maxFailuresPerAddress`), which
 * stops password spraying. With the store unreachable, logins follow `revocationFailOpen`: refused with 503
 * `revocation_unavailable`, or let through unthrottled. `@ThrottleLogin()` does all three around a login route.
 *
 * @example
 * ```ts
 * async login(username: string, password: string, ip: string) {
 *   await this.throttle.check(username, ip); // 429 before any argon2 time is spent
 *   const user = await this.users.verify(username, password);
 *   if (!user) {
 *     await this.throttle.recordFailure(username, ip);
 *     throw new UnauthorizedException();
 *   }
 *   await this.throttle.recordSuccess(username, ip);
 *   return this.sessions.start(user.id);
 * }
 * ```
 */
@Injectable()
export class LoginThrottle {
  private readonly settings: LoginThrottleSettings;
  private readonly failOpen: boolean;
  // Usernames this instance saw locked out, by key, with the epoch ms the lockout ends: an attacker hammering one
  // username is then refused without a store round trip (other instances learn it from the store's count). Bound:
  // MAX_KNOWN_LOCKOUTS entries, the oldest dropped first.
  private readonly lockedUntil = new Map<string, number>();

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) settings: ThrottleSettings,
    @Inject(LoginAttemptStore) private readonly store: LoginAttemptStore,
    @Optional() private readonly events?: SecurityEvents,
  ) {
    this.settings = settings.loginThrottle;
    this.failOpen = settings.revocationFailOpen;
  }

  /** The body field `@ThrottleLogin()` reads the username from (`loginThrottle.usernameField`). */
  get usernameField(): string {
    return this.settings.usernameField;
  }

  /**
   * Counts one login attempt for `username` (when known) and `address` (when known), and refuses it with 429
   * `too_many_attempts` (and a `login_throttled` event) when either is over its limit. Call it before the password
   * is checked. Without a reachable store: 503 `revocation_unavailable`, or nothing with `revocationFailOpen`.
   */
  async check(username: string | undefined, address: string | undefined): Promise<void> {
    let retryAfter: number | undefined;
    try {
      retryAfter = await this.countAttempt(username, address);
    } catch {
      // Not logged here: the store tells an outage once (RedisRevocationStore), not once per login.
      if (this.failOpen) return;
      throw AuthError.unavailable('Login attempts cannot be counted right now');
    }
    if (retryAfter === undefined) return;
    const refusal = AuthError.tooManyAttempts(retryAfter);
    this.emit('login_throttled', username, address, refusal.retryAfter);
    throw refusal;
  }

  /** Reports a failed login (`login_failed`, with the username and address). The attempt was counted by `check`. */
  async recordFailure(username: string | undefined, address: string | undefined): Promise<void> {
    this.emit('login_failed', username, address);
  }

  /**
   * Forgets the username's failures and gives its attempt back to the address, so that the users behind one address
   * (an office, a NAT) who sign in do not use up its ceiling. Best effort: a store that cannot be reached is ignored.
   */
  async recordSuccess(username: string | undefined, address: string | undefined): Promise<void> {
    if (username !== undefined) this.lockedUntil.delete(this.usernameKey(username));
    await Promise.all([
      username === undefined ? undefined : this.store.delete(this.usernameKey(username)),
      address === undefined ? undefined : this.store.decrement(this.addressKey(address)),
    ]).catch(() => undefined);
  }

  /**
   * The counter key of a username: a hash of its NFKC, lower-cased form, so `Alice` and `alice` share one, and no
   * username (nor a password typed into the username field) is ever written to the store. Override to key otherwise.
   */
  protected usernameKey(username: string): string {
    const digest = createHash('sha256').update(username.normalize('NFKC').toLowerCase()).digest('base64url');
    return `u:${digest}`;
  }

  /** The counter key of a client address: IPv6 addresses by their /64. Override to key otherwise. */
  protected addressKey(address: string): string {
    return `a:${addressKeyOf(address)}`;
  }

  /**
   * Counts the attempt: the address first, so that an address over its ceiling adds nothing to a username's count (a
   * sprayer cannot lock its victims out), then the username. Seconds to wait when refused, else undefined.
   */
  private async countAttempt(username: string | undefined, address: string | undefined): Promise<number | undefined> {
    const { windowSeconds, maxFailures, maxFailuresPerAddress } = this.settings;
    const key = username === undefined ? undefined : this.usernameKey(username);
    const locked = key === undefined ? undefined : this.lockedUntil.get(key);
    if (locked !== undefined) {
      const msLeft = locked - Date.now();
      if (msLeft > 0) return secondsLeft({ count: maxFailures + 1, msLeft });
      this.lockedUntil.delete(key!);
    }
    if (address !== undefined) {
      const byAddress = await this.store.increment(this.addressKey(address), windowSeconds);
      if (byAddress.count > maxFailuresPerAddress) return secondsLeft(byAddress);
    }
    if (key === undefined) return undefined;
    const byUsername = await this.store.increment(key, windowSeconds);
    if (byUsername.count <= maxFailures) return undefined;
    // The first refused attempt starts the lockout; later ones wait for it to end.
    if (byUsername.count > maxFailures + 1) return this.locked(key, byUsername.msLeft);
    const lockouts = await this.store.increment(`l${key}`, LOCKOUT_MEMORY_SECONDS);
    const seconds = Math.min(windowSeconds * 2 ** Math.min(lockouts.count - 1, 30), this.settings.maxLockoutSeconds);
    await this.store.hold(key, byUsername.count, seconds);
    return this.locked(key, seconds * 1000);
  }

  /** Remembers a lockout of `key` ending in `msLeft`, and answers its seconds. */
  private locked(key: string, msLeft: number): number {
    if (this.lockedUntil.size >= MAX_KNOWN_LOCKOUTS) this.lockedUntil.delete(this.lockedUntil.keys().next().value!);
    this.lockedUntil.set(key, Date.now() + msLeft);
    return secondsLeft({ count: 0, msLeft });
  }

  private emit(
    type: 'login_failed' | 'login_throttled',
    username: string | undefined,
    address: string | undefined,
    retryAfter?: number,
  ): void {
    if (this.events?.listened !== true) return;
    this.events.emit({
      type,
      ...(username !== undefined && { username: username.slice(0, MAX_EVENT_USERNAME) }),
      ...(address !== undefined && { address: address.slice(0, 64) }),
      ...(retryAfter !== undefined && { retryAfter }),
    });
  }
}

function secondsLeft({ msLeft }: AttemptCount): number {
  return Math.max(1, Math.ceil(msLeft / 1000));
}
