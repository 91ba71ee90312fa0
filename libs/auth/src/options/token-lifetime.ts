import ms from 'ms';
import { InvalidAuthOptionError } from './invalid-auth-option.error.js';
import type { TokenLifetime } from './auth-module-options.interface.js';

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
