import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';

// Typed as a record of every key, so adding an option to AuthModuleOptions without listing it here fails to compile.
const KNOWN: Record<keyof AuthModuleOptions, true> = {
  algorithm: true,
  secret: true,
  privateKey: true,
  publicKey: true,
  kid: true,
  verificationKeys: true,
  jwks: true,
  accessTokenExpiresIn: true,
  refreshTokenExpiresIn: true,
  identityClaim: true,
  issuer: true,
  audience: true,
  acceptedIssuers: true,
  acceptedAudiences: true,
  acceptUnexpectedAudience: true,
  verifySub: true,
  encodeNbf: true,
  leeway: true,
  headerName: true,
  headerScheme: true,
  maxTokenLength: true,
  verifiedTokenCacheSize: true,
  revocationStore: true,
  revocationTimeoutMs: true,
  revocationFailOpen: true,
  revocationMaxStaleness: true,
  isTokenRevoked: true,
  rotateRefreshTokens: true,
  refreshTokenGracePeriod: true,
  sessionMaxAge: true,
  carryClaimsOnRefresh: true,
  additionalClaims: true,
  additionalHeaders: true,
  identityOf: true,
  loadUser: true,
  loadUserOn: true,
  verifyClaims: true,
  errorFormat: true,
  errorMessageKey: true,
  onEvent: true,
  tokenTypes: true,
  tokenLocation: true,
  cookies: true,
  csrf: true,
  queryString: true,
  json: true,
  implicitRefresh: true,
  introspection: true,
  dpop: true,
  loginThrottle: true,
  external: true,
};

/** The option names of {@link AuthModuleOptions}. */
export const KNOWN_OPTIONS: readonly string[] = Object.keys(KNOWN);

/**
 * Refuses a key that is not an option: options often come from a loosely typed config object, where a misspelling
 * (`accesTokenExpiresIn`) would otherwise be ignored in silence and the default used.
 */
export function assertKnownOptions(options: object): void {
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(KNOWN, key)) continue;
    // The configuration's name must be known before a factory runs: it names the configuration's providers.
    if (key === 'name') {
      throw new InvalidAuthOptionError(
        key,
        'goes beside the options, not among them: AuthModule.forRoot({ name, ... }) or forRootAsync({ name, useFactory })',
      );
    }
    const closest = closestName(key, KNOWN_OPTIONS);
    throw new InvalidAuthOptionError(
      key,
      `is not an option of AuthModule${closest === undefined ? '' : `; did you mean "${closest}"?`}`,
    );
  }
}

/**
 * Refuses a key of the nested option object `name` (`cookies`, `csrf`, ...) that is not in `known`, naming the closest.
 *
 * @example
 * ```ts
 * assertKnownNestedOptions('cookies', { samesite: 'lax' }, ['sameSite']); // throws: did you mean "cookies.sameSite"?
 * ```
 */
export function assertKnownNestedOptions(name: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const closest = closestName(key, known);
    throw new InvalidAuthOptionError(
      `${name}.${key}`,
      `is not an option of "${name}"${closest === undefined ? '' : `; did you mean "${name}.${closest}"?`}`,
    );
  }
}

/** The name within a third of the key's length in edits (at least 2), case aside, if any. */
function closestName(key: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const name of names) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
