import type { JwtClaims } from '../tokens/jwt-claims.interface.js';

/**
 * How a session's tokens are presented: `DPoP` when they are bound to a key (RFC 9449 section 5: the `token_type` of
 * the token response), `Bearer` otherwise.
 *
 * @example
 * ```ts
 * const { tokenType } = await sessions.start(identity, { dpopJkt }); // 'DPoP'
 * ```
 */
export type SessionTokenType = 'Bearer' | 'DPoP';

/**
 * The key a session's tokens are bound to, read from verified claims: a refresh keeps the binding of the refresh token
 * it consumes, and the guard has already checked a proof of that key (so the new tokens need no proof of their own).
 */
export function boundKeyOf(claims: JwtClaims): string | undefined {
  const jkt = (claims.cnf as { jkt?: unknown } | undefined)?.jkt;
  return typeof jkt === 'string' ? jkt : undefined;
}

/** The `token_type` of tokens bound to `dpopJkt`, or of bearer tokens when there is none. */
export function tokenTypeOf(dpopJkt: string | undefined): SessionTokenType {
  return dpopJkt === undefined ? 'Bearer' : 'DPoP';
}
