import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { TokenRequest } from '../request/token-request.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { LoadUser } from './verification-settings.js';

// The users loaded by the pipeline (`loadUserOn: 'every-request'`), by request: `@CurrentUser()` reads them instead of
// loading again. Entries go with their request; a socket's request is its connection's, loaded again per message.
const loadedUsers = new WeakMap<object, unknown>();

/**
 * Runs the user loader on an accepted token and keeps the user for `@CurrentUser()`; refuses with 401
 * `user_not_found` when the loader finds none. A promise only while an async loader runs.
 *
 * @example
 * ```ts
 * const loading = loadUserEagerly(settings.loadUser, verified, request);
 * if (loading) await loading;
 * ```
 */
export function loadUserEagerly(load: LoadUser, verified: VerifiedToken, request: object): void | Promise<void> {
  const user = load(verified.identity, verified.claims, request as TokenRequest);
  // A thenable, not only a Promise: ORMs answer with promise-like query objects.
  if (isThenable(user)) return Promise.resolve(user).then((found) => keepUser(found, verified, request));
  keepUser(user, verified, request);
}

/** The user the pipeline loaded for this request, if it did (`{ user }`); `undefined` when it did not. */
export function eagerlyLoadedUser(request: object): { user: unknown } | undefined {
  return loadedUsers.has(request) ? { user: loadedUsers.get(request) } : undefined;
}

/** The 401 `user_not_found` refusal of a valid token whose identity has no user (Flask: `Error loading the user`). */
export function userNotFound(verified: VerifiedToken): AuthError {
  return new AuthError(AuthErrorCode.UserNotFound, 'User not found', 'invalid_token').about({
    claims: verified.claims,
    header: verified.header,
    identity: verified.identity,
  });
}

function keepUser(user: unknown, verified: VerifiedToken, request: object): void {
  if (user === undefined || user === null) {
    loadedUsers.delete(request);
    throw userNotFound(verified);
  }
  loadedUsers.set(request, user);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
