import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import type { ExternalTokenSettings } from '../tokens/token-settings.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { booleanOption, nestedOptions } from './option-checks.js';

/** What a configuration that only verifies an identity provider's tokens cannot take: all of it is about minting. */
const MINTING_OPTIONS = [
  'secret',
  'privateKey',
  'kid',
  'accessTokenExpiresIn',
  'refreshTokenExpiresIn',
  'additionalClaims',
  'additionalHeaders',
  'identityOf',
  'encodeNbf',
  'rotateRefreshTokens',
  'refreshTokenGracePeriod',
  'sessionMaxAge',
  'carryClaimsOnRefresh',
  'implicitRefresh',
  'tokenTypes',
] as const satisfies readonly (keyof AuthModuleOptions)[];

const DEFAULT_HEADER_TYPES = ['at+jwt', 'jwt'];
// A media type's subtype (RFC 6838 section 4.2): what a typ value may be.
const MEDIA_SUBTYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * Resolves `external`: undefined for the app's own tokens. For an identity provider's tokens, refuses every option
 * that is about minting (the provider mints; a `secret` here would be a key nobody should hold), and demands what
 * makes a foreign token safe to accept: keys, an issuer and an audience (RFC 9068 section 4 makes `iss`, `aud` and
 * `exp` required, and without an audience a token minted for another API of the same provider would pass).
 */
export function resolveExternalOptions(options: AuthModuleOptions): ExternalTokenSettings | undefined {
  const value = options.external;
  if (value === undefined || value === false) return undefined;
  if (value !== true && (typeof value !== 'object' || value === null)) {
    throw new InvalidAuthOptionError('external', 'must be true, or an object { headerTypes?, requireHeaderType? }');
  }
  const minting = MINTING_OPTIONS.find((option) => options[option] !== undefined);
  if (minting !== undefined) {
    throw new InvalidAuthOptionError(
      minting,
      'is a signing option, and an external configuration only verifies the tokens its identity provider signs',
    );
  }
  if (options.jwks === undefined && options.publicKey === undefined && options.verificationKeys === undefined) {
    throw new InvalidAuthOptionError(
      'jwks',
      'is required by an external configuration (or publicKey, verificationKeys)',
    );
  }
  if (options.issuer === undefined && options.acceptedIssuers === undefined) {
    throw new InvalidAuthOptionError('issuer', 'is required by an external configuration: the iss its tokens carry');
  }
  if (options.audience === undefined && options.acceptedAudiences === undefined) {
    throw new InvalidAuthOptionError('audience', 'is required by an external configuration: the aud its tokens carry');
  }
  const settings = nestedOptions('external', value === true ? {} : value, ['headerTypes', 'requireHeaderType']);
  return {
    headerTypes: new Set(headerTypesOf(settings.headerTypes ?? DEFAULT_HEADER_TYPES)),
    requireHeaderType: booleanOption(settings.requireHeaderType ?? false, 'external.requireHeaderType'),
  };
}

function headerTypesOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((entry) => typeof entry === 'string')) {
    throw new InvalidAuthOptionError('external.headerTypes', 'must be a non-empty array such as ["at+jwt", "JWT"]');
  }
  return value.map((entry, index) => {
    const type = entry.toLowerCase().replace(/^application\//, '');
    if (!MEDIA_SUBTYPE.test(type))
      throw new InvalidAuthOptionError(`external.headerTypes[${index}]`, `is not a media type (got "${entry}")`);
    return type;
  });
}
