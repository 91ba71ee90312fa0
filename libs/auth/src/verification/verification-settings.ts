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
 * keeps the guard synchronous.
 *
 * @example
 * ```ts
 * verifyClaims: (claims) => claims.tenant === 'eu-1' || { code: 'wrong_tenant', message: 'Token is for another tenant' },
 * ```
 */
export type ClaimsVerifier = (
  claims: JwtClaims,
  header: JwtHeader,
) => boolean | ClaimsRefusal | void | Promise<boolean | ClaimsRefusal | void>;

/** The resolved settings the verification pipeline reads. Declared beside the code that reads them. */
export interface VerificationSettings {
  /** The `verifyClaims` option. */
  readonly verifyClaims?: ClaimsVerifier;
}
