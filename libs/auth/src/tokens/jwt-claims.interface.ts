/** The two token types. An access token opens protected routes; a refresh token only buys new access tokens. */
export type TokenType = 'access' | 'refresh';

/**
 * A token type: `access`, `refresh`, or one the application declared in the `tokenTypes` option
 * (`password_reset`, `email_verification`, ...), accepted only by a guard made for it.
 */
export type AnyTokenType = TokenType | (string & {});

/**
 * The verified claims of a token, as `@CurrentClaims()` and `TokenService.verifyToken` return them.
 * Your own claims (from `additionalClaims`) sit beside the registered ones; narrow them with the type parameter
 * of `@CurrentClaims()` or `verifyToken<T>()`.
 *
 * @example
 * ```ts
 * const claims = tokens.verifyToken<{ roles: string[] }>(raw);
 * claims.sub; claims.type; claims.roles;
 * ```
 */
export interface JwtClaims {
  /** The identity (when `identityClaim` is `sub`, the default). */
  sub?: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Not before, seconds since the epoch. */
  nbf?: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Unique token id (uuid v4). */
  jti: string;
  /** `access` or `refresh`, or one of the application's `tokenTypes`. */
  type: AnyTokenType;
  /** `true`, `false`, or the epoch second until which the token counts as fresh. Always `false` on refresh tokens. */
  fresh: boolean | number;
  /** The session: shared by every token of one login, kept by refresh. */
  sid?: string;
  /** When the user logged in (epoch seconds); the session's absolute lifetime counts from it. */
  auth_time?: number;
  /** How the user authenticated (authentication context class, RFC 9470): `pwd`, `mfa`, ... when the login said so. */
  acr?: string;
  /** The methods the user authenticated with (RFC 8176): `['pwd', 'otp']`, when the login said so. */
  amr?: string[];
  /** The CSRF double-submit value, when cookies are a token location and CSRF protection is on. */
  csrf?: string;
  /** The confirmation (RFC 7800): `jkt`, the thumbprint of the DPoP key the token is bound to (RFC 9449). */
  cnf?: { jkt: string };
  iss?: string;
  aud?: string | string[];
  [claim: string]: unknown;
}

/**
 * The JOSE header of a verified token (Flask-JWT-Extended's `get_jwt_header()`).
 *
 * @example
 * ```ts
 * @Get('kid') kid(@CurrentTokenHeader() header: JwtHeader) { return header.kid; }
 * ```
 */
export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
  [parameter: string]: unknown;
}

/** A token that passed every check: its header, its claims and the identity they carry. */
export interface VerifiedToken {
  readonly header: JwtHeader;
  readonly claims: JwtClaims;
  /**
   * The identity claim: the string itself, or (with `verifySub: false`) the JSON text of a non-string value, `42` as
   * `'42'`. What revocation, events and `loadUser` key on.
   */
  readonly identity: string;
  /** With `verifySub: false` and a non-string identity claim: its value as it is (what `@CurrentIdentity()` gives). */
  readonly identityValue?: unknown;
}
