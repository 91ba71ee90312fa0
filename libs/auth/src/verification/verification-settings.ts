import type { TokenRequest } from '../request/token-request.js';
import type { JwtClaims, JwtHeader } from '../tokens/jwt-claims.interface.js';

/**
 * How `verifyClaims` refuses with a code of your own: `{ code: 'tenant_mismatch', message: 'Wrong tenant' }`
 * (401, with that code). `false` refuses with `claims_verification_failed`.
 *
 * @example
 * ```ts
 * const refusal: ClaimsRefusal = { code: 'wrong_tenant', message: 'Token is for another tenant' };
 * ```
 */
export interface ClaimsRefusal {
  code: string;
  message?: string;
}

/**
 * The `verifyClaims` option (Flask-JWT-Extended's `token_verification_loader`): checks a verified, unrevoked token's
 * claims on every guarded request, socket handshake and `verifyRequest`. `true` (or nothing) accepts; `false` refuses
 * with 401 `claims_verification_failed`; a {@link ClaimsRefusal} refuses with its code. Sync or async; a sync check
 * keeps the guard synchronous. `request` is the request the token came with, on every transport (see
 * {@link TokenRequest}): a check of two arguments simply ignores it.
 *
 * @example
 * ```ts
 * verifyClaims: (claims) => claims.tenant === 'eu-1' || { code: 'wrong_tenant', message: 'Token is for another tenant' },
 * verifyClaims: (claims, _header, request) => claims.ip === request.ip || { code: 'ip_mismatch' },
 * ```
 */
export type ClaimsVerifier = (
  claims: JwtClaims,
  header: JwtHeader,
  request: TokenRequest,
) => boolean | ClaimsRefusal | void | Promise<boolean | ClaimsRefusal | void>;

/**
 * The user loader as an option: `loadUser(identity, claims, request)`; `undefined` or `null` when there is no such
 * user. `request` is the request the token came with (see {@link TokenRequest}).
 *
 * @example
 * ```ts
 * const loadUser: LoadUser = (identity) => users.findById(identity);
 * ```
 */
export type LoadUser = (identity: string, claims: JwtClaims, request: TokenRequest) => unknown;

/**
 * When the user loader runs: `'current-user'` (the default), lazily, on routes that ask for `@CurrentUser()`;
 * `'every-request'`, on every guarded request, after `verifyClaims` (Flask-JWT-Extended's `user_lookup_loader`), so a
 * user the loader no longer finds is refused with 401 `user_not_found` at once.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, loadUser: (id) => users.findActive(id), loadUserOn: 'every-request' });
 * ```
 */
export type LoadUserOn = 'current-user' | 'every-request';

/** The resolved settings the verification pipeline reads. Declared beside the code that reads them. */
export interface VerificationSettings {
  /** The `verifyClaims` option. */
  readonly verifyClaims?: ClaimsVerifier;
  /** The `loadUser` option. */
  readonly loadUser?: LoadUser;
  /** The `loadUserOn` option; `'current-user'` when not given. */
  readonly loadUserOn?: LoadUserOn;
}
