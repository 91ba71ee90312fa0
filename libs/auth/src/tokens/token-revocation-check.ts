import type { VerifiedToken } from './jwt-claims.interface.js';

/**
 * Asks the revocation store whether a verified token is revoked: rejects with 401 `token_revoked` (or 503
 * `revocation_unavailable`). Declared here and provided by `AuthModule` from the revocation view, so `TokenService`
 * can honour revocation without depending on the layer above it. Internal.
 */
export type TokenRevocationCheck = (token: VerifiedToken) => Promise<void>;

/** Injection token of the {@link TokenRevocationCheck}. Internal. */
export const TOKEN_REVOCATION_CHECK = Symbol('nest-jwt-extended:token-revocation-check');
