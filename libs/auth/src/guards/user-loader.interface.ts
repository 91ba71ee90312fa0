import type { TokenRequest } from '../request/token-request.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';

/**
 * Loads the user of a verified token for `@CurrentUser()` (Flask-JWT-Extended's `user_lookup_loader` and
 * `current_user`). Called at most once per request, and only on routes that ask for `@CurrentUser()`. Answer
 * `undefined` or `null` when there is no such user: the request is refused with 401 `user_not_found`. `request` is the
 * request the token came with (see {@link TokenRequest}).
 *
 * Provide it under the {@link UserLoader} token in the module of your controllers (or give AuthModule the `loadUser`
 * option).
 *
 * @example
 * ```ts
 * @Injectable()
 * export class UsersLoader implements UserLoader<User> {
 *   constructor(private readonly users: UsersRepository) {}
 *   loadUser(identity: string) { return this.users.findById(identity); }
 * }
 *
 * providers: [{ provide: UserLoader, useClass: UsersLoader }]
 * ```
 */
export interface UserLoader<User = unknown> {
  loadUser(
    identity: string,
    claims: JwtClaims,
    request: TokenRequest,
  ): User | undefined | null | Promise<User | undefined | null>;
}

/** Injection token of the application's {@link UserLoader}. */
export const UserLoader = Symbol('UserLoader');
