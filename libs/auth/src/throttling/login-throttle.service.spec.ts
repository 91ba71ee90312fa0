import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../auth.module.js';
import { AuthError } from '../errors/auth-error.js';
import type { SecurityEvent } from '../events/security-event.interface.js';
import type { AuthModuleOptions } from '../options/auth-module-options.interface.js';
import { type LoginAttemptStore } from './login-attempt-store.interface.js';
import { LoginThrottle } from './login-throttle.service.js';
import { MemoryLoginAttemptStore } from './memory-login-attempt.store.js';

/** A store whose backend is down: every call rejects. */
const downStore: LoginAttemptStore = {
  increment: () => Promise.reject(new Error('down')),
  decrement: () => Promise.reject(new Error('down')),
  hold: () => Promise.reject(new Error('down')),
  delete: () => Promise.reject(new Error('down')),
};

describe('LoginThrottle', () => {
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(options: Partial<AuthModuleOptions> = {}) {
    const events: SecurityEvent[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ secret: 's'.repeat(32), onEvent: (event) => events.push(event), ...options })],
    }).compile();
    app = await moduleRef.init();
    return { throttle: app.get(LoginThrottle), events };
  }

  /** The refusal of `check`, or undefined when it passed. */
  async function refusalOf(throttle: LoginThrottle, username: string, address = '192.0.2.1') {
    try {
      await throttle.check(username, address);
      return undefined;
    } catch (error) {
      return error as AuthError;
    }
  }

  it('refuses the 6th attempt for one username with 429 too_many_attempts and Retry-After, before any hash', async () => {
    const { throttle, events } = await start();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect(await refusalOf(throttle, 'alice')).toBeUndefined();
      await throttle.recordFailure('alice', '192.0.2.1');
    }
    const refusal = await refusalOf(throttle, 'alice');
    expect(refusal).toBeInstanceOf(AuthError);
    expect([refusal!.getStatus(), refusal!.code, refusal!.retryAfter]).toEqual([429, 'too_many_attempts', 900]);
    expect(events.filter((event) => event.type === 'login_failed')).toHaveLength(5);
    expect(events.at(-1)).toMatchObject({
      type: 'login_throttled',
      username: 'alice',
      address: '192.0.2.1',
      retryAfter: 900,
    });
    // Usernames are counted case-insensitively: `ALICE` is the same account.
    expect((await refusalOf(throttle, 'ALICE'))?.code).toBe('too_many_attempts');
    // Another username from the same address has its own counter.
    expect(await refusalOf(throttle, 'bob')).toBeUndefined();
    // Locked out for the rest of the window: the next attempts are refused with what is left of it.
    const again = await refusalOf(throttle, 'alice');
    expect(again?.retryAfter).toBeGreaterThanOrEqual(899);
    expect(again?.retryAfter).toBeLessThanOrEqual(900);
  });

  it('forgets a username’s failures on success', async () => {
    const { throttle } = await start();
    for (let attempt = 1; attempt <= 4; attempt += 1) await throttle.check('carol', '192.0.2.2');
    await throttle.recordSuccess('carol', '192.0.2.2');
    for (let attempt = 1; attempt <= 5; attempt += 1) expect(await refusalOf(throttle, 'carol')).toBeUndefined();
    expect((await refusalOf(throttle, 'carol'))?.code).toBe('too_many_attempts');
  });

  it('stops spraying at the address ceiling without adding to the usernames tried', async () => {
    const { throttle } = await start({ loginThrottle: { maxFailuresPerAddress: 3 } });
    for (const name of ['u1', 'u2', 'u3']) expect(await refusalOf(throttle, name, '2001:db8:0:1::7')).toBeUndefined();
    // Another address in the same /64 is the same client.
    expect((await refusalOf(throttle, 'u4', '2001:db8:0:1:ffff::9'))?.code).toBe('too_many_attempts');
    // u4's own counter was not touched: from another address it still has its five attempts.
    for (let attempt = 1; attempt <= 3; attempt += 1)
      expect(await refusalOf(throttle, 'u4', '198.51.100.1')).toBeUndefined();
  });

  it('doubles each new lockout of a username, up to maxLockout', async () => {
    let now = 1_000_000;
    // The store and the throttle's own memory of lockouts read one clock.
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    const store = new MemoryLoginAttemptStore(100, () => now);
    const { throttle } = await start({ loginThrottle: { maxFailures: 1, window: 60, maxLockout: 150, store } });
    const lockouts: Array<number | undefined> = [];
    for (let round = 0; round < 3; round += 1) {
      await throttle.check('dave', '192.0.2.3');
      lockouts.push((await refusalOf(throttle, 'dave', '192.0.2.3'))?.retryAfter);
      now += 200_000; // past any lockout
    }
    expect(lockouts).toEqual([60, 120, 150]);
    clock.mockRestore();
  });

  it('refuses with 503 revocation_unavailable when the store is down, or lets logins through with revocationFailOpen', async () => {
    const closed = await start({ loginThrottle: { store: downStore } });
    const refusal = await refusalOf(closed.throttle, 'erin');
    expect([refusal?.getStatus(), refusal?.code]).toEqual([503, 'revocation_unavailable']);
    await expect(closed.throttle.recordSuccess('erin', '192.0.2.4')).resolves.toBeUndefined();
    await app!.close();
    const open = await start({ loginThrottle: { store: downStore }, revocationFailOpen: true });
    expect(await refusalOf(open.throttle, 'erin')).toBeUndefined();
  });

  it('refuses misspelled or bad options at start-up, naming them', async () => {
    await expect(start({ loginThrottle: { maxFailure: 5 } as never })).rejects.toThrow(
      /loginThrottle\.maxFailure.*did you mean "loginThrottle\.maxFailures"/,
    );
    await expect(start({ loginThrottle: { maxFailures: 0 } })).rejects.toThrow(/loginThrottle\.maxFailures/);
    await expect(start({ loginThrottle: { window: '1h', maxLockout: '1m' } })).rejects.toThrow(
      /loginThrottle\.maxLockout/,
    );
    await expect(start({ loginThrottle: { store: {} as never } })).rejects.toThrow(/loginThrottle\.store.*increment/);
  });
});

describe('MemoryLoginAttemptStore', () => {
  it('holds at most maxKeys counters, dropping the oldest window first, and forgets expired ones', async () => {
    let now = 0;
    const store = new MemoryLoginAttemptStore(3, () => now);
    for (const key of ['a', 'b', 'c', 'd']) await store.increment(key, 10);
    expect(store.size).toBe(3);
    expect((await store.increment('a', 10)).count).toBe(1); // 'a' was evicted
    now = 10_000;
    expect(await store.increment('c', 10)).toEqual({ count: 1, msLeft: 10_000 });
    await store.decrement('c');
    expect((await store.increment('c', 10)).count).toBe(1);
  });
});
