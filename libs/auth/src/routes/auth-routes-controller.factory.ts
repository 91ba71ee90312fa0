import { Controller, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { AuthRouteName } from './auth-routes-options.js';
import { AuthRoutesController } from './auth-routes.controller.js';

/** The handler of each route, by name. */
const HANDLERS: Readonly<Record<AuthRouteName, keyof AuthRoutesController>> = {
  login: 'login',
  refresh: 'refresh',
  logout: 'logout',
  logoutAll: 'logoutAll',
  sessions: 'sessionsOfUser',
  revokeOthers: 'revokeOthers',
};

/**
 * A controller class of its own for one `AuthRoutesModule` import, mounted at `path`, each route at its configured
 * path or left out. Every handler is a function of this class (a copy carrying the base handler's metadata), so two
 * imports with different paths share no route metadata, and the OpenAPI helper finds one controller per handler.
 */
export function authRoutesController(path: string, routes: Readonly<Record<AuthRouteName, string | false>>): Type {
  @Controller(path)
  class MountedAuthRoutes extends AuthRoutesController {}
  for (const [name, method] of Object.entries(HANDLERS) as Array<[AuthRouteName, keyof AuthRoutesController]>) {
    const base = Reflect.get(AuthRoutesController.prototype, method) as (this: unknown, ...args: unknown[]) => unknown;
    const route = routes[name];
    // A method without route metadata shadows the base one: Nest's router and swagger both skip it.
    const handler =
      route === false
        ? function disabledRoute() {
            return undefined;
          }
        : {
            [method](this: unknown, ...args: unknown[]) {
              return base.apply(this, args);
            },
          }[method]!;
    if (route !== false) {
      for (const key of Reflect.getMetadataKeys(base))
        Reflect.defineMetadata(key, Reflect.getMetadata(key, base), handler);
      Reflect.defineMetadata(PATH_METADATA, route, handler);
    }
    Object.defineProperty(MountedAuthRoutes.prototype, method, { value: handler, writable: true, configurable: true });
  }
  return MountedAuthRoutes;
}
