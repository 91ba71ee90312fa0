import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { toLifetimeSeconds } from '../tokens/token-lifetime.js';
import { assertKnownNestedOptions } from './known-options.js';

// The checks every option resolver shares: each takes the value and the option's name, returns the value when it
// passes and otherwise throws InvalidAuthOptionError naming the option. One set, so that two options of the same kind
// are refused with the same words.

// RFC 9110 token characters: what a header name, a cookie name and a method may be made of.
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A whole number from `min` to `max` (no upper bound by default). */
export function wholeNumber(value: unknown, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidAuthOptionError(option, `must be a whole number ${range} (got ${String(value)})`);
  }
  return value;
}

/**
 * `true` or `false`. The message quotes what was given, except for the nested `cookies` and `csrf` switches, whose
 * message never did (`echo: false` keeps it as it was).
 */
export function booleanOption(value: unknown, option: string, { echo = true } = {}): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidAuthOptionError(
      option,
      echo ? `must be true or false (got ${String(value)})` : 'must be true or false',
    );
  }
  return value;
}

/** A string with at least one character. */
export function nonEmptyString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidAuthOptionError(option, 'must be a non-empty string');
  }
  return value;
}

/** Undefined, or a string with at least one character. */
export function optionalNonEmptyString(value: unknown, option: string): string | undefined {
  return value === undefined ? undefined : nonEmptyString(value, option);
}

/** Any string, the empty one included. */
export function stringOption(value: unknown, option: string): string {
  if (typeof value !== 'string') throw new InvalidAuthOptionError(option, 'must be a string');
  return value;
}

/** An HTTP header name (RFC 9110 token characters), as given. */
export function httpHeaderName(value: unknown, option: string): string {
  if (typeof value !== 'string' || !HTTP_TOKEN.test(value)) {
    throw new InvalidAuthOptionError(option, 'must be a valid HTTP header name');
  }
  return value;
}

/** Undefined, or a function (which is not called here). */
export function optionalFunction<T>(value: T, option: string): T {
  if (value !== undefined && typeof value !== 'function')
    throw new InvalidAuthOptionError(option, 'must be a function');
  return value;
}

/** A {@link toLifetimeSeconds | lifetime} that does expire: whole seconds above zero. */
export function positiveLifetime(value: unknown, option: string): number {
  const seconds = toLifetimeSeconds(value as never, option);
  if (seconds === false || seconds <= 0) throw new InvalidAuthOptionError(option, 'must be a positive duration');
  return seconds;
}

/** The nested option object `name` (`cookies`, `csrf`, ...), `{}` when not given; an unknown key is refused. */
export function nestedOptions<T extends object>(name: string, value: T | undefined, known: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidAuthOptionError(name, 'must be an object');
  }
  assertKnownNestedOptions(name, value, known);
  return value;
}

/**
 * A pluggable part given as an option (a store): an object with every method of its interface, else start-up stops
 * naming the option, the interface and the methods it lacks.
 */
export function implementing<T>(value: unknown, option: string, name: string, methods: readonly string[]): T {
  const missing =
    typeof value !== 'object' || value === null
      ? methods
      : methods.filter((method) => typeof (value as Record<string, unknown>)[method] !== 'function');
  if (missing.length > 0) {
    throw new InvalidAuthOptionError(
      option,
      `must implement ${name} (${methods.join(', ')}); missing: ${missing.join(', ')}`,
    );
  }
  return value as T;
}
