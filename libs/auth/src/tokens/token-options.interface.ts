import type { TokenLifetime } from './token-lifetime.js';
import type { AnyTokenType } from './jwt-claims.interface.js';

/** Per-call options of `TokenService.createRefreshToken`. */
export interface CreateRefreshTokenOptions {
  /**
   * Your own claims. Reserved claims (`sub`/identity, `iat`, `nbf`, `exp`, `jti`, `type`, `fresh`, `iss`, `aud`, `sid`,
   * `auth_time`, `acr`, `amr`, `csrf`, `cnf`) are refused.
   */
  additionalClaims?: Record<string, unknown>;
  /** Extra JOSE header parameters. `alg` and `typ` are refused. */
  additionalHeaders?: Record<string, unknown>;
  /** Overrides the configured lifetime for this token. */
  expiresIn?: TokenLifetime;
  /**
   * The session (`sid` claim) the token belongs to: every token of one login shares it, so logout can end them
   * together. Default: a new session id. `SessionService` sets it for you.
   */
  sessionId?: string;
  /** The login time (`auth_time`, epoch seconds) of the session; `sessionMaxAge` counts from it. Default: now. */
  authTime?: number;
  /**
   * How the user authenticated (`acr`, RFC 9470): `'pwd'`, `'mfa'`, ... Written when given; `SessionService` carries it
   * from token to token of a session and never raises it (only `StepUpService.stepUp` does).
   */
  acr?: string;
  /** The methods used (`amr`, RFC 8176): `['pwd', 'otp']`. Written when given, carried like {@link acr}. */
  amr?: readonly string[];
  /** The token id. Default: a random uuid v4; rotation sets the one it reserved. */
  jti?: string;
  /** Never let the token outlive this epoch second (the session's absolute end). */
  notAfter?: number;
  /**
   * Claims beneath those of the `additionalClaims` loader and of {@link additionalClaims}: what `SessionService.refresh`
   * carries over from the refresh token. Reserved claims are refused here too.
   */
  baseClaims?: Record<string, unknown>;
  /**
   * The `csrf` claim's value when tokens carry one (CSRF protection on and cookies among the token locations).
   * Default: a new random value. The implicit-refresh interceptor keeps the old token's, so that requests already on
   * their way with the old CSRF header still pass.
   */
  csrf?: string;
  /**
   * Binds the token to a DPoP key: the key's RFC 7638 thumbprint, written as `cnf.jkt` (RFC 9449 section 6.1). A guard
   * then accepts the token only with a proof of that key. `DpopService.keyOf(request)` gives it; `SessionService` sets
   * it for you on refresh.
   */
  dpopJkt?: string;
}

/** Per-call options of `TokenService.createToken` (a token of one of your `tokenTypes`). */
export type CreateTokenOptions = CreateRefreshTokenOptions;

/** Per-call options of `TokenService.createAccessToken`. */
export interface CreateAccessTokenOptions extends CreateRefreshTokenOptions {
  /**
   * `true` for a token obtained with credentials, `false` (the default) otherwise, or a number of seconds:
   * the token is fresh until `iat + fresh`, then still valid but no longer fresh.
   */
  fresh?: boolean | number;
}

/** Options of `TokenService.verifyToken`. */
export interface VerifyTokenOptions {
  /** Refuse any other type with `wrong_token_type` (a list: any of these). */
  type?: AnyTokenType | readonly AnyTokenType[];
  /** Accept a token whose `exp` has passed (Flask-JWT-Extended's `decode_token(allow_expired=True)`). */
  allowExpired?: boolean;
  /**
   * Also ask the revocation store (authoritative, one bounded round trip) whether the token, its session or its user
   * was revoked, as for a raw token judged outside a request: `token_revoked`, or 503 `revocation_unavailable`.
   * `verifyTokenAsync` only. Default false.
   */
  checkRevocation?: boolean;
}
