import type { JwtClaims } from '../tokens/jwt-claims.interface.js';

/**
 * The session (family) a token belongs to: its `sid`, or, for a token minted without one (`TokenService` called
 * directly with a foreign token, Flask-JWT-Extended during a migration), its own `jti`. Rotation consumes a sid-less
 * refresh token under that id, the tokens refreshed from it carry it as their `sid`, and revoking that session ends
 * them all.
 *
 * @example
 * ```ts
 * sessionIdOf({ jti: 'j1', sid: 's1' }); // 's1'
 * sessionIdOf({ jti: 'j1' }); // 'j1'
 * ```
 */
export function sessionIdOf(claims: Pick<JwtClaims, 'jti' | 'sid'>): string {
  return typeof claims.sid === 'string' ? claims.sid : claims.jti;
}
