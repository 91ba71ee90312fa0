import { AuthError, invalidToken } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import type { AnyTokenType, JwtClaims, JwtHeader, VerifiedToken } from './jwt-claims.interface.js';
import { isFresh, type TokenPolicy } from './token-policy.js';
import type { ExternalTokenSettings, TokenSettings } from './token-settings.js';
import { assertScopes } from './token-scopes.js';
import { hasControlCharacters } from './control-characters.js';

// The checks a claim set must pass once its signature holds, as plain functions (jose's validateClaimsSet is apart
// from the JWS bytes the same way): TokenVerifier calls them on every token it verifies, and on every cache hit.

/** What a claim set is checked against: the settings, with the accepted issuers and audiences as sets. */
export interface ClaimRules extends Pick<TokenSettings, 'leeway' | 'tokenTypes' | 'identityClaim'> {
  /** Undefined when no issuer is configured: `iss` is not checked. */
  readonly issuers?: ReadonlySet<string>;
  /** Undefined when no audience is configured: then a token carrying `aud` is refused (RFC 7519 section 4.1.3). */
  readonly audiences?: ReadonlySet<string>;
  /** With no audience configured, accept a token carrying `aud` all the same. Default false. */
  readonly acceptUnexpectedAudience?: boolean;
  /** `false`: the identity claim may be any JSON value but null, a boolean or `''`. Default true. */
  readonly verifySub?: boolean;
  /** An identity provider's access tokens: see {@link TokenSettings.external}. */
  readonly external?: ExternalTokenSettings;
}

const MAX_JTI_LENGTH = 256;
const UNEXPECTED_AUDIENCE =
  'Token audience is not accepted: the token has an aud claim and no audience is configured ' +
  '(the audience or acceptedAudiences option)';
/**
 * RFC 7493 section 2.2: beyond 2^53 - 1 in magnitude an integer is not exact in every parser (2^53 + 1 reads as 2^53
 * here, as something else in a parser with 64-bit integers), and a time claim is compared with the clock.
 */
const MAX_TIME_CLAIM = Number.MAX_SAFE_INTEGER;

/** The rules for `settings`, built once (the accepted issuers and audiences become sets). */
export function claimRulesOf(settings: TokenSettings): ClaimRules {
  const { leeway, tokenTypes, identityClaim, acceptedIssuers, acceptedAudiences } = settings;
  return {
    leeway,
    tokenTypes,
    identityClaim,
    issuers: acceptedIssuers === undefined ? undefined : new Set(acceptedIssuers),
    audiences: acceptedAudiences === undefined ? undefined : new Set(acceptedAudiences),
    acceptUnexpectedAudience: settings.acceptUnexpectedAudience,
    verifySub: settings.verifySub,
    external: settings.external,
  };
}

/** Issuer and audience, then required and well-typed claims, no `iat` in the future. */
export function validateClaimsSet(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  rules: ClaimRules,
  allowExpired: boolean,
  now = epochSeconds(),
): VerifiedToken {
  // Exact comparison: a string in the set, never a prefix, another case or an array holding it.
  if (rules.issuers !== undefined && !(typeof claims.iss === 'string' && rules.issuers.has(claims.iss))) {
    throw invalidToken('Token issuer is not accepted');
  }
  if (rules.audiences !== undefined) {
    if (!hasAcceptedAudience(claims.aud, rules.audiences)) throw invalidToken('Token audience is not accepted');
  } else if (claims.aud !== undefined && rules.acceptUnexpectedAudience !== true) {
    // RFC 7519 section 4.1.3: a recipient that does not identify itself with a value of a present aud MUST refuse.
    throw invalidToken(UNEXPECTED_AUDIENCE);
  }
  assertTimeClaim(claims.exp, 'exp');
  if (claims.nbf !== undefined) assertTimeClaim(claims.nbf, 'nbf');
  // Expiry first: an expired token is reported as expired, whatever else is wrong with its claims.
  assertTimes(claims as JwtClaims, rules.leeway, allowExpired, now);
  assertTimeClaim(claims.iat, 'iat');
  if (claims.iat > now + rules.leeway) {
    throw AuthError.invalid(AuthErrorCode.TokenNotYetValid, 'Token is not yet valid (iat is in the future)');
  }
  // An identity provider's token need not carry jti, type or fresh (RFC 9068 makes jti its only optional one of the
  // three; the others are ours): each exception is looked at only where one of our tokens would be refused anyway.
  if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > MAX_JTI_LENGTH) {
    if (!(claims.jti === undefined && rules.external !== undefined)) throw invalidToken('Token has no valid jti claim');
  }
  if (claims.type === undefined) {
    if (rules.external === undefined) throw invalidToken('Token has no type claim');
  } else if (!rules.tokenTypes.has(claims.type as string)) throw invalidToken('Token type is not known');
  if (typeof claims.fresh !== 'boolean' && !(claims.fresh === undefined && rules.external !== undefined))
    assertTimeClaim(claims.fresh, 'fresh');
  if (rules.external !== undefined) assertHeaderType(header.typ, rules.external);
  const identity = identityOf(claims, rules);
  if (
    claims.sid !== undefined &&
    (typeof claims.sid !== 'string' || claims.sid.length === 0 || claims.sid.length > MAX_JTI_LENGTH)
  ) {
    throw invalidToken('Token has no valid sid claim');
  }
  if (claims.auth_time !== undefined) assertTimeClaim(claims.auth_time, 'auth_time');
  // `sub` beside another identity claim: a string when present, unless verifySub is off (PyJWT's verify_sub).
  if (
    claims.sub !== undefined &&
    (typeof claims.sub !== 'string' || claims.sub.length === 0) &&
    (rules.verifySub !== false || !isIdentityValue(claims.sub))
  ) {
    throw invalidToken('Token has no valid sub claim');
  }
  if (typeof claims.sub === 'string' && claims.sub !== identity && hasControlCharacters(claims.sub)) {
    throw invalidToken('Token sub claim has control characters');
  }
  const raw = claims[rules.identityClaim];
  const token = { header: header as JwtHeader, claims: claims as JwtClaims, identity };
  return typeof raw === 'string' ? token : { ...token, identityValue: raw };
}

/**
 * The identity as the string revocation, events and `loadUser` key on: a non-empty string without control characters;
 * with `verifySub: false`, any other JSON value but null or a boolean, as its JSON text (`42` as `'42'`).
 */
function identityOf(claims: Record<string, unknown>, rules: ClaimRules): string {
  const identity = claims[rules.identityClaim];
  if (typeof identity === 'string' && identity.length > 0) {
    if (hasControlCharacters(identity)) throw invalidToken(`Token ${rules.identityClaim} claim has control characters`);
    return identity;
  }
  if (rules.verifySub === false && typeof identity !== 'string' && isIdentityValue(identity)) {
    return JSON.stringify(identity);
  }
  throw invalidToken(`Token has no valid ${rules.identityClaim} claim`);
}

/** A non-string value `verifySub: false` accepts as an identity: a number, an object or an array. */
function isIdentityValue(value: unknown): boolean {
  return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'object' && value !== null);
}

/**
 * `exp` (unless allowed to have passed) and `nbf`, with the configured leeway, at `now` (epoch seconds, the injected
 * clock's); re-checked on every cache hit.
 */
export function assertTimes(
  claims: Pick<JwtClaims, 'exp' | 'nbf'>,
  leeway: number,
  allowExpired = false,
  now = epochSeconds(),
): void {
  if (!allowExpired && now >= claims.exp + leeway) {
    // The claims go with the error (never to the client by default): an errorFormat may want them, as Flask's
    // expired_token_loader gets them.
    throw AuthError.invalid(AuthErrorCode.TokenExpired, 'Token has expired').about({ claims });
  }
  if (claims.nbf !== undefined && claims.nbf > now + leeway) {
    throw AuthError.invalid(AuthErrorCode.TokenNotYetValid, 'Token is not yet valid (nbf is in the future)');
  }
}

/**
 * Type, then freshness at `now` (epoch seconds; read only for a fresh-only policy when not given): an expired token
 * has already been refused, so it wins over a wrong type.
 */
export function assertPolicy(claims: JwtClaims, policy: Partial<TokenPolicy>, now?: number): void {
  // A list of types is looked at only when the single-type comparison fails: the common case costs what it did.
  if (policy.type !== undefined && claims.type !== policy.type && !acceptsType(policy.type, claims.type)) {
    throw AuthError.invalid(AuthErrorCode.WrongTokenType, wrongTypeMessage(policy.type)).about({ claims });
  }
  if (policy.fresh && !isFresh(claims.fresh, now ?? epochSeconds())) {
    throw new AuthError(
      AuthErrorCode.FreshTokenRequired,
      'Fresh token required',
      'insufficient_user_authentication',
    ).about({ claims });
  }
  // Undefined on every route without @RequireScopes().
  if (policy.scopes !== undefined) assertScopes(claims, policy.scopes);
}

/**
 * RFC 9068 section 4: an access token's `typ` is `at+jwt` (or `application/at+jwt`); identity providers that predate
 * it send `JWT`. Compared without case, as RFC 7515 section 4.1.9 asks. Anything else (an ID token typed `id_token`,
 * a `dpop+jwt` proof, a logout token) is refused.
 */
function assertHeaderType(typ: unknown, external: ExternalTokenSettings): void {
  if (typ === undefined) {
    if (external.requireHeaderType) throw invalidToken('Token has no typ header');
    return;
  }
  const type = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
  if (type === undefined || !external.headerTypes.has(type)) throw invalidToken('Token typ header is not accepted');
}

// A missing aud is refused when one is configured (RFC 7519 section 4.1.3); a token must name one we accept.
function hasAcceptedAudience(aud: unknown, audiences: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return audiences.has(aud);
  return (
    Array.isArray(aud) &&
    aud.length > 0 &&
    aud.every((entry) => typeof entry === 'string') &&
    aud.some((entry) => audiences.has(entry))
  );
}

function acceptsType(accepted: AnyTokenType | readonly AnyTokenType[], type: AnyTokenType | undefined): boolean {
  // Untyped: an identity provider's access token (only an `external` configuration lets one through validation).
  if (type === undefined) return accepted === 'access' || (typeof accepted !== 'string' && accepted.includes('access'));
  return typeof accepted !== 'string' && accepted.includes(type);
}

function wrongTypeMessage(accepted: AnyTokenType | readonly AnyTokenType[]): string {
  const types = typeof accepted === 'string' ? accepted : accepted.join(' or ');
  return `Only ${types} tokens are allowed`;
}

/**
 * A NumericDate (or a numeric `fresh`): a finite number within 2^53 - 1 of zero (I-JSON, RFC 7493 section 2.2).
 * Infinity never gets here (the strict JSON decoding refuses it), but the check does not rely on that.
 */
function assertTimeClaim(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidToken(`Token has no valid ${name} claim`);
  if (value > MAX_TIME_CLAIM || value < -MAX_TIME_CLAIM) {
    throw invalidToken(`Token ${name} claim is out of range (beyond 2^53 - 1, not I-JSON)`);
  }
}
