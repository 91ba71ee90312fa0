import { randomUUID } from 'node:crypto';
import type { SigningKey } from '../keys/verification-key.interface.js';
import { hasControlCharacters } from './control-characters.js';
import { RESERVED_CLAIMS } from './reserved-claims.js';
import { toLifetimeSeconds, type TokenLifetime } from './token-lifetime.js';
import type { CreateRefreshTokenOptions } from './token-options.interface.js';
import type { TokenSettings } from './token-settings.js';

// What goes into a token, as plain functions apart from the signing (as jose keeps its JWTClaimsBuilder apart from
// the JWS): TokenService runs the loaders, then builds the claims and the header here, then signs.

/** The settings the claims are built with (`encodeNbf` true when left out). */
export type ClaimsBuilderSettings = Pick<TokenSettings, 'identityClaim' | 'csrfClaim' | 'issuer' | 'audience'> &
  Partial<Pick<TokenSettings, 'encodeNbf'>>;

/** One token's own facts: whom it is for, its type and freshness, how long it lives, and when it is issued. */
export interface TokenFacts {
  readonly identity: string;
  readonly type: string;
  readonly fresh: boolean | number;
  /** Seconds to live; false for a token without `exp`. */
  readonly ttl: number | false;
  /** The issue time, in epoch seconds. */
  readonly iat: number;
}

/** A SHA-256 JWK thumbprint, base64url without padding. */
const JKT = /^[A-Za-z0-9_-]{43}$/;

const RESERVED_HEADERS: ReadonlySet<string> = new Set(['alg', 'typ', 'kid', 'crit', 'jku', 'jwk', 'x5u', 'x5c']);

/** The lifetime of one token: the caller's `expiresIn` when given, else the configured lifetime. */
export function tokenLifetime(
  { expiresIn }: { expiresIn?: TokenLifetime },
  configured: number | false,
): number | false {
  return expiresIn === undefined ? configured : toLifetimeSeconds(expiresIn, 'expiresIn');
}

/** Refuses an identity no token may carry: not a string, empty, or with control characters. */
export function assertIdentity(identity: unknown): asserts identity is string {
  if (typeof identity !== 'string' || identity.length === 0) {
    throw new TypeError('nest-jwt-extended: identity must be a non-empty string');
  }
  // The verifier refuses such an identity (it could be echoed into a page or a log), so never mint one.
  if (hasControlCharacters(identity)) {
    throw new TypeError('nest-jwt-extended: identity must not contain control characters');
  }
}

/**
 * The claim set of one token: the carried claims (`baseClaims`), the loader's, then the caller's, none of them
 * reserved; then the claims the library writes itself (identity, times, ids, type, freshness, session, CSRF value,
 * expiry, issuer, audience).
 */
export function buildClaims(
  settings: ClaimsBuilderSettings,
  { identity, type, fresh, ttl, iat }: TokenFacts,
  {
    additionalClaims,
    baseClaims,
    sessionId,
    authTime,
    acr,
    amr,
    jti,
    notAfter,
    csrf,
    dpopJkt,
  }: CreateRefreshTokenOptions,
  loadedClaims?: Record<string, unknown>,
): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  // Carried claims first, then the loader's, then the caller's: the most specific wins.
  addClaims(claims, settings.identityClaim, baseClaims, 'baseClaims');
  addClaims(claims, settings.identityClaim, loadedClaims, 'the additionalClaims loader');
  addClaims(claims, settings.identityClaim, additionalClaims, 'additionalClaims');
  Object.assign(claims, {
    [settings.identityClaim]: identity,
    iat,
    // Flask-JWT-Extended's JWT_ENCODE_NBF: on unless told otherwise.
    ...(settings.encodeNbf !== false && { nbf: iat }),
    jti: jti ?? randomUUID(),
    type,
    fresh: freshClaim(fresh, iat),
    sid: sessionId ?? randomUUID(),
    auth_time: authTime ?? iat,
  });
  if (acr !== undefined) claims.acr = authenticationContext(acr);
  if (amr !== undefined) claims.amr = authenticationMethods(amr);
  // The double-submit value: a cookie-borne token is only honoured on an unsafe method beside a header carrying it.
  if (settings.csrfClaim) claims.csrf = csrf ?? randomUUID();
  // The DPoP binding (RFC 9449 section 6.1): only a proof of this key makes the token usable.
  if (dpopJkt !== undefined) {
    if (typeof dpopJkt !== 'string' || !JKT.test(dpopJkt))
      throw new TypeError(
        'nest-jwt-extended: dpopJkt must be an RFC 7638 SHA-256 thumbprint (43 base64url characters)',
      );
    claims.cnf = { jkt: dpopJkt };
  }
  if (ttl !== false) claims.exp = iat + ttl;
  if (notAfter !== undefined) claims.exp = Math.min((claims.exp as number | undefined) ?? notAfter, notAfter);
  if (settings.issuer !== undefined) claims.iss = settings.issuer;
  if (settings.audience !== undefined) claims.aud = settings.audience;
  return claims;
}

/** The protected header: the loader's and then the caller's parameters, none reserved, then `alg`, `typ` and `kid`. */
export function buildProtectedHeader(
  signing: SigningKey,
  loadedHeaders?: Record<string, unknown>,
  additionalHeaders?: Record<string, unknown>,
): Record<string, unknown> {
  const header: Record<string, unknown> = {};
  for (const source of [loadedHeaders, additionalHeaders]) {
    for (const [name, value] of Object.entries(source ?? {})) {
      if (RESERVED_HEADERS.has(name)) {
        throw new TypeError(`nest-jwt-extended: additionalHeaders must not set the reserved header "${name}"`);
      }
      header[name] = value;
    }
  }
  return {
    ...header,
    alg: signing.algorithm,
    typ: 'JWT',
    ...(signing.kid !== undefined && { kid: signing.kid }),
  };
}

/** Copies `source`'s claims into `claims`, refusing the reserved ones (the identity claim among them). */
function addClaims(
  claims: Record<string, unknown>,
  identityClaim: string,
  source: Record<string, unknown> | undefined,
  from: string,
): void {
  if (source === undefined || source === null) return;
  if (typeof source !== 'object' || Array.isArray(source)) {
    throw new TypeError(`nest-jwt-extended: ${from} must give an object of claims`);
  }
  for (const [name, value] of Object.entries(source)) {
    if (RESERVED_CLAIMS.has(name) || name === identityClaim) {
      throw new TypeError(`nest-jwt-extended: ${from} must not set the reserved claim "${name}"`);
    }
    // Our verifier refuses these names (prototype pollution downstream), so a token carrying them would be useless.
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      throw new TypeError(`nest-jwt-extended: ${from} cannot carry a claim named "${name}"`);
    }
    claims[name] = value;
  }
}

/** `acr` as the claim: a short printable string, as it may be echoed into an RFC 9470 challenge. */
function authenticationContext(acr: unknown): string {
  if (typeof acr === 'string' && /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/.test(acr)) return acr;
  throw new TypeError('nest-jwt-extended: acr must be a printable ASCII string without spaces or quotes');
}

/** `amr` as the claim: a list of short strings (RFC 8176's method names). */
function authenticationMethods(amr: unknown): string[] {
  if (
    Array.isArray(amr) &&
    amr.length <= 16 &&
    amr.every((method) => typeof method === 'string' && method.length > 0 && method.length <= 64)
  ) {
    return [...(amr as string[])];
  }
  throw new TypeError('nest-jwt-extended: amr must be a list of at most 16 non-empty strings');
}

/** `fresh` as the claim: true or false as given, or the epoch second until which the token stays fresh. */
function freshClaim(fresh: boolean | number, iat: number): boolean | number {
  if (typeof fresh === 'boolean') return fresh;
  if (typeof fresh === 'number' && Number.isFinite(fresh) && fresh >= 0) return iat + Math.floor(fresh);
  throw new TypeError('nest-jwt-extended: fresh must be true, false or a number of seconds >= 0');
}
