import { describe, expect, it } from '@jest/globals';
import { nowOf } from '../util/auth-clock.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { TestClock } from './test-clock.js';

describe('TestClock', () => {
  const start = Date.parse('2030-01-01T00:00:00Z');

  it('stands still until told, and advances by seconds or duration strings', () => {
    const clock = new TestClock(start);
    expect(clock.now()).toBe(start);
    expect(clock.advance(90)).toBe(start + 90_000);
    expect(clock.advance('15m')).toBe(start + 90_000 + 900_000);
    clock.set(new Date(start));
    expect(clock.now()).toBe(start);
  });

  it('refuses to move back or by nonsense', () => {
    const clock = new TestClock(start);
    expect(() => clock.advance(-1)).toThrow();
    expect(() => clock.advance('soon')).toThrow();
    expect(() => clock.set(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(start);
  });

  it('is what the services read through nowOf, in epoch seconds', () => {
    const clock = new TestClock(start + 1_999);
    expect(epochSeconds(nowOf(clock))).toBe(start / 1000 + 1);
  });
});

describe('nowOf', () => {
  it('is Date.now itself without a clock: the production path calls nothing more', () => {
    expect(nowOf(undefined)).toBe(Date.now);
  });
});
