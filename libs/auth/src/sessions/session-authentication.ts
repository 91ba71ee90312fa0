import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import type { CreateRefreshTokenOptions } from '../tokens/token-options.interface.js';

/** How and when the user of a session authenticated: what every token of the session repeats. */
export type SessionAuthentication = Required<Pick<CreateRefreshTokenOptions, 'authTime'>> &
  Pick<CreateRefreshTokenOptions, 'acr' | 'amr'>;

/**
 * The authentication a token of a session carries, for the next token of that session: its `auth_time` (its `iat` when
 * it has none, as a token minted outside a session) and its `acr` and `amr` as they are. A refresh or a renewal copies
 * them and never raises them; only a re-authentication (`StepUpService.stepUp`) writes new ones.
 */
export function sessionAuthenticationOf(claims: JwtClaims): SessionAuthentication {
  return {
    authTime: typeof claims.auth_time === 'number' ? claims.auth_time : claims.iat,
    ...(typeof claims.acr === 'string' && { acr: claims.acr }),
    ...(Array.isArray(claims.amr) && { amr: claims.amr }),
  };
}
