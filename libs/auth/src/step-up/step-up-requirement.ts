import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { toLifetimeSeconds, type TokenLifetime } from '../tokens/token-lifetime.js';

/**
 * What `@RequireAuth()` takes: how recent the user's authentication must be (`maxAge`, RFC 9470's `max_age`), and/or
 * which authentication context classes (`acr`) are good enough. At least one of the two.
 *
 * @example
 * ```ts
 * const options: RequireAuthOptions = { maxAge: '5m', acr: ['mfa'] };
 * ```
 */
export interface RequireAuthOptions {
  /** The token's `auth_time` must be at most this old: seconds, or a string such as `'5m'`. */
  maxAge?: TokenLifetime;
  /** The token's `acr` must be one of these (`'mfa'`, or `['mfa', 'hwk']`). */
  acr?: string | readonly string[];
}

/** A route's step-up requirement, checked once: `maxAge` in whole seconds, `acr` a non-empty list. Internal. */
export interface StepUpRequirement {
  readonly maxAge?: number;
  readonly acr?: readonly string[];
}

// acr values travel in a quoted, space-separated challenge parameter (RFC 9470 section 3): no space, quote or backslash.
const ACR_VALUE = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

/**
 * Checks `@RequireAuth()`'s options when the decorator is applied (so a bad one stops the app as its module loads) and
 * turns them into a {@link StepUpRequirement}. The error names the option (`RequireAuth.maxAge`).
 */
export function stepUpRequirementOf(options: RequireAuthOptions): StepUpRequirement {
  if (options === null || typeof options !== 'object') {
    throw new InvalidAuthOptionError('RequireAuth', 'takes an object: { maxAge?, acr? }');
  }
  for (const key of Object.keys(options)) {
    if (key !== 'maxAge' && key !== 'acr') {
      throw new InvalidAuthOptionError(`RequireAuth.${key}`, 'is not an option of RequireAuth (maxAge, acr)');
    }
  }
  const { maxAge, acr } = options;
  if (maxAge === undefined && acr === undefined) {
    throw new InvalidAuthOptionError('RequireAuth', 'needs maxAge, acr or both');
  }
  const requirement: { maxAge?: number; acr?: readonly string[] } = {};
  if (maxAge !== undefined) {
    const seconds = toLifetimeSeconds(maxAge, 'RequireAuth.maxAge');
    if (seconds === false || seconds < 1) {
      throw new InvalidAuthOptionError('RequireAuth.maxAge', 'must be a lifetime of at least 1 second');
    }
    requirement.maxAge = seconds;
  }
  if (acr !== undefined) {
    const values = typeof acr === 'string' ? [acr] : acr;
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      !values.every((value) => typeof value === 'string' && ACR_VALUE.test(value))
    ) {
      throw new InvalidAuthOptionError(
        'RequireAuth.acr',
        'must be an acr value or a non-empty list of them (printable ASCII, no space, quote or backslash)',
      );
    }
    requirement.acr = Object.freeze([...values]);
  }
  return Object.freeze(requirement);
}
