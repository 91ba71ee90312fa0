import ms from 'ms';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';

/**
 * A token lifetime: a number of seconds, a string with a unit understood by `ms` (`'15m'`, `'12h'`, `'30d'`),
 * or `false` for a token that never expires (refused by this library's own verifier, so only for tokens
 * verified elsewhere; prefer a long lifetime).
 */
export type TokenLifetime = number | string | false;

/**
 * Turns a {@link TokenLifetime} into whole seconds (or `false`). A string without a unit is refused rather than
 * read as milliseconds, which is what `ms` and jsonwebtoken would do with `'900'`.
 */
export function toLifetimeSeconds(value: TokenLifetime, option: string): number | false {
  if (value === false) return false;
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    if (/^\s*\d+(\.\d+)?\s*$/.test(value)) {
      throw new InvalidAuthOptionError(
        option,
        `has no unit ("${value}"): pass a number of seconds (${Number(value)}) or a string with a unit such as "15m"`,
      );
    }
    const millis = ms(value as ms.StringValue);
    if (typeof millis !== 'number' || Number.isNaN(millis)) {
      throw new InvalidAuthOptionError(
        option,
        `is not a duration ("${value}"); use seconds or a string such as "15m", "12h", "30d"`,
      );
    }
    seconds = millis / 1000;
  } else {
    throw new InvalidAuthOptionError(option, 'must be a number of seconds, a duration string such as "15m", or false');
  }
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new InvalidAuthOptionError(option, `must be a positive whole number of seconds (got ${String(value)})`);
  }
  return seconds;
}

/** An access token meant to live this long or more was almost surely given in milliseconds. */
const MAX_ACCESS_TOKEN_LIFETIME = 10 * 24 * 60 * 60;

/**
 * Refuses lifetimes that cannot be what was meant: an access token living 10 days or more (900000 meant as 15 minutes
 * in milliseconds is 10.4 days in seconds), and a refresh token that dies before the access tokens it mints.
 */
export function assertLifetimesPlausible(access: number | false, refresh: number | false): void {
  if (access !== false && access >= MAX_ACCESS_TOKEN_LIFETIME) {
    throw new InvalidAuthOptionError(
      'accessTokenExpiresIn',
      `is ${access} s (${(access / 86400).toFixed(1)} days): lifetimes are in seconds, not milliseconds; an access ` +
        'token should live minutes (e.g. "15m"). Longer sessions are what refresh tokens are for',
    );
  }
  if (access !== false && refresh !== false && refresh < access) {
    throw new InvalidAuthOptionError(
      'refreshTokenExpiresIn',
      `is ${refresh} s, shorter than accessTokenExpiresIn (${access} s): a refresh token must outlive the access tokens it is traded for`,
    );
  }
}
