/**
 * The stable, machine-readable codes carried in the `code` field of every refusal.
 *
 * Clients branch on these, never on the human-readable `message`, which may be reworded.
 *
 * @example
 * ```ts
 * if (body.code === AuthErrorCode.TokenExpired) await refreshAndRetry();
 * ```
 */
export const AuthErrorCode = {
  /** No token was sent where one is required. */
  AuthorizationRequired: 'authorization_required',
  /** The header that should carry the token has the wrong scheme or too many parts. */
  InvalidAuthorizationHeader: 'invalid_authorization_header',
  /** The token is malformed, too large, badly signed, uses a refused algorithm, or has missing or ill-typed claims. */
  InvalidToken: 'invalid_token',
  /** The token's `exp` has passed. */
  TokenExpired: 'token_expired',
  /** The token's `nbf` is still in the future. */
  TokenNotYetValid: 'token_not_yet_valid',
  /** A refresh token where an access token belongs, or the reverse. */
  WrongTokenType: 'wrong_token_type',
  /** The route demands a fresh access token and the one sent is not (or no longer) fresh. */
  FreshTokenRequired: 'fresh_token_required',
  /**
   * The route demands a more recent (`maxAge`) or stronger (`acr`) authentication than the token's (`@RequireAuth()`,
   * RFC 9470): the challenge carries `max_age` or `acr_values`.
   */
  InsufficientUserAuthentication: 'insufficient_user_authentication',
  /** The token, its session or all of its user's tokens have been revoked (logout). */
  TokenRevoked: 'token_revoked',
  /** A refresh token that was already used came back: the whole session is revoked (theft is assumed). */
  RefreshTokenReused: 'refresh_token_reused',
  /** The revocation store could not be reached in time; answered with 503, never with a guess. */
  RevocationUnavailable: 'revocation_unavailable',
  /** The remote JWKS the tokens are verified with could not be fetched in time; answered with 503. */
  KeySetUnavailable: 'key_set_unavailable',
  /** A token came from a cookie on an unsafe method (POST, PUT, PATCH, DELETE) without the CSRF header. */
  CsrfTokenMissing: 'csrf_token_missing',
  /** The CSRF header (or form field) differs from the token's `csrf` claim, or the token has none. */
  CsrfTokenMismatch: 'csrf_token_mismatch',
  /** The token is valid but the user loader found no user for its identity (`@CurrentUser()`). */
  UserNotFound: 'user_not_found',
  /** The `verifyClaims` option refused the token's claims. */
  ClaimsVerificationFailed: 'claims_verification_failed',
  /** The `DPoP` proof is missing, malformed, badly signed, for another request, too old, replayed or without `ath`. */
  InvalidDpopProof: 'invalid_dpop_proof',
  /** The token is bound to another key than the proof's, or a token sent with the `DPoP` scheme is bound to none. */
  DpopBindingMismatch: 'dpop_binding_mismatch',
  /** A DPoP-bound access token came with the `Bearer` scheme (or from a cookie, query or body). */
  DpopSchemeRequired: 'dpop_scheme_required',
  /** The `dpop.required` option is on and the request carries no DPoP proof, or an unbound token. */
  DpopRequired: 'dpop_required',
  /** The proof lacks the server's current nonce: retry with the `DPoP-Nonce` header value of this answer. */
  UseDpopNonce: 'use_dpop_nonce',
  /** The DPoP replay cache could not be reached in time; answered with 503, never with a guess. */
  DpopReplayUnavailable: 'dpop_replay_unavailable',
  /**
   * Too many failed logins for this username, or from this client address, within the window (`loginThrottle`):
   * answered with 429 and `Retry-After`, before any password is hashed.
   */
  TooManyAttempts: 'too_many_attempts',
  /**
   * A cookie-borne token on an unsafe method came from another site: an `Origin` that is neither the request's own
   * host nor one of `csrf.trustedOrigins`, or `Sec-Fetch-Site: cross-site` (403).
   */
  UntrustedOrigin: 'untrusted_origin',
  /**
   * 403: the token is valid but its scopes (`scope` or `scp`) lack one that the route names in `@RequireScopes()`
   * (RFC 6750 section 3.1); the `WWW-Authenticate` challenge names the scopes needed.
   */
  InsufficientScope: 'insufficient_scope',
} as const;

/** One of the {@link AuthErrorCode} values. */
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];
