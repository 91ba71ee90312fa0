import { describe, expect, it } from '@jest/globals';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { assertLifetimesPlausible, toLifetimeSeconds } from './token-lifetime.js';

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

describe('assertLifetimesPlausible', () => {
  it('accepts the defaults and lifetimes without expiry', () => {
    expect(() => assertLifetimesPlausible(900, 2592000)).not.toThrow();
    expect(() => assertLifetimesPlausible(false, 2592000)).not.toThrow();
    expect(() => assertLifetimesPlausible(900, false)).not.toThrow();
  });

  it('refuses an access lifetime of 10 days or more, the mark of milliseconds, naming the option', () => {
    expect(() => assertLifetimesPlausible(900_000, false)).toThrow(
      /option "accessTokenExpiresIn" is 900000 s \(10\.4 days\): lifetimes are in seconds, not milliseconds/,
    );
    expect(() => assertLifetimesPlausible(10 * 86400 - 1, false)).not.toThrow();
  });

  it('refuses a refresh lifetime shorter than the access lifetime', () => {
    expect(() => assertLifetimesPlausible(900, 600)).toThrow(
      /option "refreshTokenExpiresIn" is 600 s, shorter than accessTokenExpiresIn \(900 s\)/,
    );
    expect(() => assertLifetimesPlausible(900, 900)).not.toThrow();
  });
});
