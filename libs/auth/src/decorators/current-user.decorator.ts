import {
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  Optional,
  type PipeTransform,
} from '@nestjs/common';
import { contextRequestOf } from '../context/context-request.js';
import { authModuleMissing } from '../errors/auth-module-missing.error.js';
import { RequestVerifier } from '../guards/request-verifier.js';
import { UserLoader } from '../guards/user-loader.interface.js';

/**
 * Loads the user for `@CurrentUser()`. A pipe, so that the load may be async and happens only on routes that ask for
 * the user: no other route pays for it. Internal.
 */
@Injectable()
export class CurrentUserPipe implements PipeTransform<object, Promise<unknown>> {
  constructor(
    @Optional() private readonly requests?: RequestVerifier,
    @Optional() @Inject(UserLoader) private readonly loader?: UserLoader,
  ) {}

  transform(request: object): Promise<unknown> {
    if (this.requests === undefined) throw authModuleMissing('@CurrentUser()');
    return this.requests.loadUser(request, this.loader);
  }
}

// The request the guard attached the token to: the handler's first argument over HTTP, found per transport otherwise.
const requestOf = createParamDecorator(
  (_data: unknown, context: ExecutionContext): object =>
    (context.getType() === 'http' ? context.getArgByIndex<object>(0) : contextRequestOf(context)) ?? {},
);

/**
 * The user of the verified token (Flask-JWT-Extended's `current_user`), loaded once per request by your
 * {@link UserLoader} (or the `loadUser` option) after the guard accepted the token. A valid token whose identity has no
 * user is refused with 401 `user_not_found`. `undefined` on an anonymous request to an `@OptionalAuth()` route.
 *
 * @example
 * ```ts
 * @Get('me')
 * me(@CurrentUser() user: User) { return { username: user.name, roles: user.roles }; }
 * ```
 */
export function CurrentUser(): ParameterDecorator {
  return requestOf(undefined, CurrentUserPipe);
}
