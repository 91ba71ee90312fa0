import { randomBytes } from 'node:crypto';
import type { SecurityEvent } from '../events/security-event.interface.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { MemoryRevocationStore } from '../revocation/memory-revocation.store.js';
import type { AuthClock } from '../util/auth-clock.js';

/** What a test's options rewrite needs: its clock, and where to record events. */
export interface TestingRewrite {
  readonly clock: AuthClock;
  readonly events: SecurityEvent[];
  readonly overrides?: Partial<AuthModuleOptions>;
}

/**
 * The app's options as a test runs them: its own settings (lifetimes, locations, loaders, checks), the test's
 * overrides on top, and always a fresh random HS256 secret, a memory store on the test clock and an event recorder.
 * Every key option of the app is dropped, so no key file, no JWKS URL and no Redis is ever touched.
 *
 * @example
 * ```ts
 * const rewrite = testingAuthOptions({ clock, events: [] });
 * const options = rewrite({ secret: process.env.JWT_SECRET_KEY, accessTokenExpiresIn: '15m' });
 * ```
 */
export function testingAuthOptions({
  clock,
  events,
  overrides,
}: TestingRewrite): (options: AuthModuleOptions) => AuthModuleOptions {
  return (options) => {
    const {
      secret: _secret,
      privateKey: _privateKey,
      publicKey: _publicKey,
      kid: _kid,
      verificationKeys: _verificationKeys,
      jwks: _jwks,
      algorithm: _algorithm,
      revocationStore,
      onEvent,
      ...kept
    } = { ...options, ...overrides };
    // The app's own store (a RedisRevocationStore built by its factory) is never used: let it go at once.
    if (revocationStore !== undefined) void revocationStore.close?.().catch(() => undefined);
    return {
      ...kept,
      secret: randomBytes(32),
      algorithm: 'HS256',
      revocationStore: new MemoryRevocationStore({ clock }),
      onEvent: (event) => {
        events.push(event);
        onEvent?.(event);
      },
    };
  };
}
