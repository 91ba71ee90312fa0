import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { RESERVED_CLAIMS } from '../tokens/reserved-claims.js';
import { assertLifetimesPlausible, toLifetimeSeconds } from '../tokens/token-lifetime.js';
import type { TokenSettings } from '../tokens/token-settings.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { booleanOption, nonEmptyString, optionalFunction, wholeNumber } from './option-checks.js';

/** The settings resolved here: what signing and verifying read, keys and the `csrf` claim aside. */
export type TokenOptionSettings = Omit<TokenSettings, 'signingKey' | 'verificationKeys' | 'jwks' | 'csrfClaim'>;

/** Clock skew tolerated, in seconds: more than five minutes is a broken clock, and would stretch every token's life. */
const MAX_LEEWAY = 300;

/**
 * Resolves the claims and lifetimes of the tokens we sign and the limits of those we verify: `identityClaim`, the
 * lifetimes, `leeway`, the `additionalClaims`, `additionalHeaders` and `identityOf` hooks, `issuer`, `audience` and
 * what is accepted of them (`acceptedIssuers`, `acceptedAudiences`, `acceptUnexpectedAudience`), `verifySub`,
 * `encodeNbf`, `maxTokenLength`, `verifiedTokenCacheSize` and `tokenTypes`.
 */
export function resolveTokenOptions(options: AuthModuleOptions): TokenOptionSettings {
  const identityClaim = identityClaimOf(options.identityClaim ?? 'sub');
  const accessTokenTtl = toLifetimeSeconds(options.accessTokenExpiresIn ?? 15 * 60, 'accessTokenExpiresIn');
  const refreshTokenTtl = toLifetimeSeconds(
    options.refreshTokenExpiresIn ?? 30 * 24 * 60 * 60,
    'refreshTokenExpiresIn',
  );
  assertLifetimesPlausible(accessTokenTtl, refreshTokenTtl);
  const issuer = options.issuer === undefined ? undefined : claimValue(options.issuer, 'issuer', 'a non-empty string');
  const audiences = claimValuesOf(options.audience, 'audience');
  return {
    identityClaim,
    accessTokenTtl,
    refreshTokenTtl,
    leeway: wholeNumber(options.leeway ?? 0, 'leeway', 0, MAX_LEEWAY),
    claimsLoader: optionalFunction(options.additionalClaims, 'additionalClaims'),
    headersLoader: optionalFunction(options.additionalHeaders, 'additionalHeaders'),
    identityOf: optionalFunction(options.identityOf, 'identityOf') as ((user: unknown) => string) | undefined,
    issuer,
    // One audience is written as a string, several as an array, as given.
    audience: typeof options.audience === 'string' ? audiences?.[0] : audiences,
    ...acceptedClaimsOf(options, issuer, audiences),
    verifySub: booleanOption(options.verifySub ?? true, 'verifySub'),
    encodeNbf: booleanOption(options.encodeNbf ?? true, 'encodeNbf'),
    maxTokenLength: wholeNumber(options.maxTokenLength ?? 8192, 'maxTokenLength', 64),
    verifiedTokenCacheSize: wholeNumber(options.verifiedTokenCacheSize ?? 10_000, 'verifiedTokenCacheSize', 0),
    tokenTypes: tokenTypesOf(options.tokenTypes),
  };
}

/** A claim name of our own choosing (`sub` by default), never one the library writes itself. */
function identityClaimOf(value: unknown): string {
  const identityClaim = nonEmptyString(value, 'identityClaim');
  if (identityClaim !== 'sub' && RESERVED_CLAIMS.has(identityClaim)) {
    throw new InvalidAuthOptionError('identityClaim', `must not be the reserved claim "${identityClaim}"`);
  }
  return identityClaim;
}

/**
 * What a verified token's `iss` and `aud` must be: the accepted lists as given, else what we mint with. Each value is
 * later compared exactly, so a value with surrounding spaces (an environment variable's stray blank) is refused here.
 */
function acceptedClaimsOf(
  options: AuthModuleOptions,
  issuer: string | undefined,
  audience: string[] | undefined,
): Pick<TokenOptionSettings, 'acceptedIssuers' | 'acceptedAudiences' | 'acceptUnexpectedAudience'> {
  const acceptedIssuers =
    claimValuesOf(options.acceptedIssuers, 'acceptedIssuers') ?? (issuer === undefined ? undefined : [issuer]);
  const acceptedAudiences = claimValuesOf(options.acceptedAudiences, 'acceptedAudiences') ?? audience;
  const acceptUnexpectedAudience = booleanOption(options.acceptUnexpectedAudience ?? false, 'acceptUnexpectedAudience');
  if (acceptUnexpectedAudience && acceptedAudiences !== undefined) {
    throw new InvalidAuthOptionError(
      'acceptUnexpectedAudience',
      'applies only when no audience is configured; with "audience" or "acceptedAudiences" set, a token must name one',
    );
  }
  return { acceptedIssuers, acceptedAudiences, acceptUnexpectedAudience };
}

const STRINGS = 'a non-empty string or a non-empty array of non-empty strings';

/** Undefined, or one claim value or a non-empty list of them, as a list. */
function claimValuesOf(value: unknown, option: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [claimValue(value, option, STRINGS)];
  if (!Array.isArray(value) || value.length === 0) throw new InvalidAuthOptionError(option, `must be ${STRINGS}`);
  return value.map((entry: unknown) => claimValue(entry, option, STRINGS));
}

/** A non-empty string without surrounding whitespace (compared exactly, `' api'` would never match). */
function claimValue(value: unknown, option: string, expected: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidAuthOptionError(option, `must be ${expected}`);
  if (value.trim() !== value) {
    throw new InvalidAuthOptionError(
      option,
      `has surrounding whitespace (${JSON.stringify(value)}): values are compared exactly`,
    );
  }
  return value;
}

/** `access`, `refresh` and the application's own types, each a plain name. */
function tokenTypesOf(types: unknown): ReadonlySet<string> {
  if (types === undefined) return new Set(['access', 'refresh']);
  if (!Array.isArray(types)) throw new InvalidAuthOptionError('tokenTypes', 'must be an array of type names');
  for (const type of types) {
    if (typeof type !== 'string' || !/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/.test(type)) {
      throw new InvalidAuthOptionError(
        'tokenTypes',
        `has an invalid type name ${JSON.stringify(type)} (a word of at most 64 characters)`,
      );
    }
    if (type === 'access' || type === 'refresh') {
      throw new InvalidAuthOptionError('tokenTypes', `lists "${type}", which is built in; list only your own types`);
    }
  }
  return new Set(['access', 'refresh', ...(types as string[])]);
}
