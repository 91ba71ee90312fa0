import { ConfigurableModuleBuilder } from '@nestjs/common';
import {
  AUTH_ROUTES_OPTIONS,
  type AuthRoutePaths,
  type AuthRoutesOptions,
  routePathsOf,
} from './auth-routes-options.js';
import { authRoutesController } from './auth-routes-controller.factory.js';

/** `path` and `routes` unless told: every route, under `auth/`. */
const DEFAULT_EXTRAS: { path: string; routes: AuthRoutePaths } = { path: 'auth', routes: {} };

/**
 * `forRoot` / `forRootAsync` of `AuthRoutesModule`. `path` and `routes` are extras: Nest mounts controllers before any
 * factory runs, so they cannot come from `useFactory`; each call gets a controller class of its own with those paths.
 */
export const {
  ConfigurableModuleClass: ConfigurableAuthRoutesModule,
  OPTIONS_TYPE: AUTH_ROUTES_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ROUTES_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthRoutesOptions>({
  moduleName: 'AuthRoutes',
  optionsInjectionToken: AUTH_ROUTES_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras(DEFAULT_EXTRAS, (definition, extras) => {
    const { path, routes } = routePathsOf(extras.path, extras.routes);
    return { ...definition, controllers: [authRoutesController(path, routes)] };
  })
  .build();

/**
 * What `AuthRoutesModule.forRoot` takes: the options, plus `path` (default `auth`) and `routes`.
 *
 * @example
 * ```ts
 * const options: AuthRoutesForRootOptions = {
 *   path: 'auth',
 *   credentials: async ({ username, password }) => ((await users.check(username, password)) ? username : null),
 * };
 * ```
 */
export type AuthRoutesForRootOptions = typeof AUTH_ROUTES_OPTIONS_TYPE;
/**
 * What `AuthRoutesModule.forRootAsync` takes: `useFactory` + `inject` (or `useClass`), `imports`, `path`, `routes`.
 *
 * @example
 * ```ts
 * const options: AuthRoutesAsyncOptions = {
 *   path: 'auth',
 *   inject: [UsersService],
 *   useFactory: (users: UsersService) => ({ credentials: (body) => users.identityFor(body.username, body.password) }),
 * };
 * ```
 */
export type AuthRoutesAsyncOptions = typeof AUTH_ROUTES_ASYNC_OPTIONS_TYPE;
