import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { DEFAULT_CONFIGURATION } from './configuration-name.js';

// Which named configuration accepted a verified token. The default configuration records nothing (its path stays as it
// was); a named one records each token it accepts, once per verified token object, which its cache then reuses.
const acceptedBy = new WeakMap<VerifiedToken, string>();

/** Records that configuration `name` accepted `verified`. Internal. */
export function recordConfiguration(verified: VerifiedToken, name: string): void {
  if (acceptedBy.get(verified) !== name) acceptedBy.set(verified, name);
}

/**
 * The name of the configuration that accepted a verified token: a named configuration's `name`, or `'default'`.
 *
 * @example
 * ```ts
 * const verified = await requests.verifyRequest(request);
 * if (verified && configurationOf(verified) === 'partner') audit(verified.identity);
 * ```
 */
export function configurationOf(verified: VerifiedToken): string {
  return acceptedBy.get(verified) ?? DEFAULT_CONFIGURATION;
}
