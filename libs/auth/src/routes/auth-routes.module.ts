import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { AUTH_ROUTES_OPTIONS, checkAuthRoutesOptions } from './auth-routes-options.js';
import {
  type AuthRoutesAsyncOptions,
  type AuthRoutesForRootOptions,
  ConfigurableAuthRoutesModule,
} from './auth-routes.module-definition.js';
import { AuthRoutesAccessGuard } from './auth-routes.controller.js';

/** Validated options, under a token of their own so the check runs once, as the module starts. */
const CHECKED = Symbol('AuthRoutesModule:checked-options');

/**
 * Ready-made login, refresh, logout, logout-everywhere, session listing and revoke-others routes (simplejwt's
 * `TokenObtainPairView` and friends), opt-in: import it beside a global `AuthModule` with your credentials check.
 * Answers, codes and bodies are those of the demo's worked example: `POST {path}/login` `{ username, password }` →
 * `{ access_token, refresh_token }` (401 `invalid_credentials`, 400 `validation_failed`); `POST {path}/refresh` with a
 * refresh token → `{ access_token[, refresh_token] }`; `POST {path}/logout` → `{ logged_out: 'session' }`;
 * `POST {path}/logout/all` → `{ logged_out: 'all_sessions' }`; `GET {path}/sessions` → `{ sessions }`;
 * `POST {path}/sessions/revoke-others` → `{ revoked }`. Needs class-validator and class-transformer (optional peers).
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     AuthModule.forRoot({ secret, isGlobal: true }),
 *     AuthRoutesModule.forRootAsync({
 *       path: 'auth',
 *       routes: { sessions: false },
 *       imports: [UsersModule],
 *       inject: [UsersService],
 *       useFactory: (users: UsersService) => ({
 *         credentials: ({ username, password }) => users.identityFor(username, password),
 *         session: { acr: 'pwd', amr: ['pwd'] },
 *       }),
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class AuthRoutesModule extends ConfigurableAuthRoutesModule {
  /** The routes with options known now (`credentials`, `path`, `routes`, ...). */
  static override forRoot(options: AuthRoutesForRootOptions): DynamicModule {
    return withProviders(super.forRoot(options));
  }

  /** The routes with options from a factory (`useFactory` + `inject`, or `useClass`); `path` and `routes` beside. */
  static override forRootAsync(options: AuthRoutesAsyncOptions): DynamicModule {
    return withProviders(super.forRootAsync(options));
  }
}

function withProviders(module: DynamicModule): DynamicModule {
  const checked: Provider = {
    provide: CHECKED,
    inject: [AUTH_ROUTES_OPTIONS],
    useFactory: checkAuthRoutesOptions,
  };
  return { ...module, providers: [...(module.providers ?? []), checked, AuthRoutesAccessGuard] };
}
