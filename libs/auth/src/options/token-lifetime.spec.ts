import { describe, expect, it } from '@jest/globals';
import { InvalidAuthOptionError } from './invalid-auth-option.error.js';
import { toLifetimeSeconds } from './token-lifetime.js';

describe('toLifetimeSeconds', () => {
  it.each([
    [900, 900],
    ['15m', 900],
    ['12h', 43200],
    ['30d', 2592000],
    [false, false],
  ] as const)('reads %p as %p', (value, seconds) => {
    expect(toLifetimeSeconds(value, 'accessTokenExpiresIn')).toBe(seconds);
  });

  it('refuses a string without a unit instead of reading it as milliseconds', () => {
    expect(() => toLifetimeSeconds('900', 'accessTokenExpiresIn')).toThrow(/"accessTokenExpiresIn" has no unit/);
  });

  it.each([0, -5, 1.5, Number.NaN, '0s', '1500ms', 'soon'])('refuses %p, naming the option', (value) => {
    expect(() => toLifetimeSeconds(value as never, 'refreshTokenExpiresIn')).toThrow(InvalidAuthOptionError);
    expect(() => toLifetimeSeconds(value as never, 'refreshTokenExpiresIn')).toThrow(/refreshTokenExpiresIn/);
  });
});
