import ms from 'ms';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { RevocationSettings } from '../revocation/revocation-settings.js';
import type { RevocationStore } from '../revocation/revocation-store.interface.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { booleanOption, implementing, wholeNumber } from './option-checks.js';

/** The settings resolved here: the store and the `isTokenRevoked` hook, time limits, and how far back to look. */
export interface RevocationOptionSettings extends RevocationSettings {
  /** Undefined here: the module provides the default store. */
  readonly revocationStore?: RevocationStore;
}

/** The lifetimes, resolved already, that bound how long a revocation must be remembered. */
export interface RevocationLifetimes {
  readonly accessTokenTtl: number | false;
  readonly refreshTokenTtl: number | false;
  readonly sessionMaxAge: number | false;
  readonly leeway: number;
}

/** Seconds added to the revocation window for instances whose clocks disagree. */
export const REVOCATION_CLOCK_MARGIN = 60;

/** What a `revocationStore` must implement (`close` is optional). */
const STORE_METHODS = [
  'revoke',
  'listRecent',
  'isRevoked',
  'subscribe',
  'registerSession',
  'touchSession',
  'listSessions',
  'rotateRefreshToken',
] as const;

/** The longest `revocationMaxStaleness`: beyond an hour, what is meant is `revocationFailOpen`. */
const MAX_STALENESS_SECONDS = 3600;

/**
 * Resolves `revocationStore`, `isTokenRevoked`, `revocationTimeoutMs`, `revocationFailOpen` and
 * `revocationMaxStaleness`, and derives from the lifetimes how long a revocation must be remembered.
 */
export function resolveRevocationOptions(
  options: AuthModuleOptions,
  { accessTokenTtl, refreshTokenTtl, sessionMaxAge, leeway }: RevocationLifetimes,
): RevocationOptionSettings {
  const revocationStore = storeOf(options.revocationStore);
  if (options.isTokenRevoked !== undefined && typeof options.isTokenRevoked !== 'function') {
    throw new InvalidAuthOptionError(
      'isTokenRevoked',
      'must be a function (claims, header) => boolean | Promise<boolean>',
    );
  }
  const longestTokenLifetime = Math.max(
    ...[accessTokenTtl, refreshTokenTtl, sessionMaxAge].filter((ttl): ttl is number => ttl !== false),
    // Tokens without exp are refused by our verifier; 30 days bounds what such settings could leave behind.
    30 * 24 * 60 * 60,
  );
  const accessWindow = accessTokenTtl === false ? longestTokenLifetime : accessTokenTtl;
  return {
    revocationStore,
    isTokenRevoked: options.isTokenRevoked,
    revocationTimeoutMs: wholeNumber(options.revocationTimeoutMs ?? 1000, 'revocationTimeoutMs', 1),
    revocationFailOpen: booleanOption(options.revocationFailOpen ?? false, 'revocationFailOpen'),
    revocationMaxStalenessMs: stalenessMs(options.revocationMaxStaleness ?? 30),
    longestTokenLifetime,
    accessWindow,
    revocationWindow: accessWindow + leeway + REVOCATION_CLOCK_MARGIN,
  };
}

function storeOf(store: RevocationStore | undefined): RevocationStore | undefined {
  return store === undefined
    ? undefined
    : implementing<RevocationStore>(store, 'revocationStore', 'RevocationStore', STORE_METHODS);
}

/** `revocationMaxStaleness` in milliseconds: seconds (fractions allowed) or a duration string with a unit. */
function stalenessMs(value: unknown): number {
  const option = 'revocationMaxStaleness';
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    if (/^\s*\d+(\.\d+)?\s*$/.test(value))
      throw new InvalidAuthOptionError(
        option,
        `has no unit ("${value}"): pass a number of seconds or a string such as "30s"`,
      );
    const millis = ms(value as ms.StringValue);
    if (typeof millis !== 'number' || Number.isNaN(millis))
      throw new InvalidAuthOptionError(option, `is not a duration ("${value}"); use seconds or a string such as "30s"`);
    seconds = millis / 1000;
  } else {
    throw new InvalidAuthOptionError(option, 'must be a number of seconds or a duration string such as "30s"');
  }
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_STALENESS_SECONDS) {
    throw new InvalidAuthOptionError(
      option,
      `must be from 0 to ${MAX_STALENESS_SECONDS} seconds (got ${String(value)}): it is in seconds, not milliseconds; ` +
        'to serve from the last view for longer, set revocationFailOpen',
    );
  }
  return Math.round(seconds * 1000);
}
