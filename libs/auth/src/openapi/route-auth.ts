import type { INestApplicationContext, Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { type ApplicationConfig, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY, REQUIRE_AUTH_KEY, TOKEN_LOCATION_KEY } from '../auth.constants.js';
import { JwtGuard } from '../guards/jwt-guard.js';
import type { TokenLocation } from '../request/token-location.js';
import type { StepUpRequirement } from '../step-up/step-up-requirement.js';
import type { AnyTokenType } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';

/** What the guards of one route demand, read from the metadata the guards read: none when `guarded` is false. */
export interface RouteAuth {
  readonly controller: Type<unknown>;
  readonly handler: (...args: unknown[]) => unknown;
  /** Whether a JWT guard of this library decides the route (it neither stands aside nor is absent). */
  readonly guarded: boolean;
  /** `@OptionalAuth()`: a request without a token goes through. */
  readonly optional: boolean;
  /** The token types accepted. */
  readonly types: readonly AnyTokenType[];
  readonly fresh: boolean;
  readonly stepUp?: StepUpRequirement;
  /** The route's `@TokenLocation()`, else undefined (the module's `tokenLocation`). */
  readonly locations?: readonly TokenLocation[];
}

type GuardRef = Type<unknown> | object;

/**
 * Every route handler of the app's controllers with what its JWT guards demand, worked out as `JwtGuard.decide()` does
 * for a request: global guards (`APP_GUARD`, `useGlobalGuards`), then the class's and the handler's `@UseGuards()`; a
 * guard stands aside where the handler (else the class) names another JWT guard or is `@Public()`. Run once, when the
 * document is built: nothing here is on a request's path. Guards that override `standsAside` or `isOptional` are read
 * as the base class decides.
 */
export function routeAuthOf(app: INestApplicationContext): RouteAuth[] {
  const reflector = new Reflector();
  const modules = [...app.get(ModulesContainer).values()];
  const instances = new Map<unknown, JwtGuard>();
  for (const module of modules) {
    for (const wrapper of [...module.injectables.values(), ...module.providers.values()]) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof JwtGuard) instances.set(instance.constructor, instance);
    }
  }
  // The same object Nest's router reads its global guards from (swagger's scanner reads it the same way).
  const config = (app as unknown as { config?: ApplicationConfig }).config;
  const globals = (config?.getGlobalGuards() ?? []).filter((guard): guard is JwtGuard => guard instanceof JwtGuard);
  const scanner = new MetadataScanner();
  const routes: RouteAuth[] = [];
  for (const module of modules) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (typeof controller !== 'function') continue;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || Reflect.getMetadata('path', handler) === undefined) continue;
        routes.push(decide(reflector, controller, handler as RouteAuth['handler'], globals, instances));
      }
    }
  }
  return routes;
}

function decide(
  reflector: Reflector,
  controller: Type<unknown>,
  handler: RouteAuth['handler'],
  globals: readonly JwtGuard[],
  instances: ReadonlyMap<unknown, JwtGuard>,
): RouteAuth {
  const named = (target: Type<unknown> | RouteAuth['handler']) => guardsOf(reflector, target);
  const candidates = [...globals, ...named(controller), ...named(handler)].filter(isJwtGuard);
  // The guard that runs last decides what the route documents: the handler's over the class's over the global one.
  let policy: TokenPolicy | undefined;
  for (const guard of candidates) {
    if (!standsAside(reflector, guard, handler, controller)) policy = policyOf(guard, instances) ?? policy;
  }
  const targets = [handler, controller];
  return {
    controller,
    handler,
    guarded: policy !== undefined,
    optional: reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH_KEY, targets) === true,
    types: policy === undefined ? [] : typeof policy.type === 'string' ? [policy.type] : policy.type,
    fresh: policy?.fresh === true,
    stepUp: reflector.getAllAndOverride<StepUpRequirement | undefined>(REQUIRE_AUTH_KEY, targets),
    locations: reflector.getAllAndOverride<readonly TokenLocation[] | undefined>(TOKEN_LOCATION_KEY, targets),
  };
}

// The rule of JwtGuard.standsAside: handler beats class beats global.
function standsAside(
  reflector: Reflector,
  guard: GuardRef,
  handler: RouteAuth['handler'],
  controller: Type<unknown>,
): boolean {
  const type = typeof guard === 'function' ? guard : guard.constructor;
  for (const target of [handler, controller]) {
    const guards = guardsOf(reflector, target);
    if (guards.some((named) => named === guard || named === type)) return false;
    if (guards.some(isJwtGuard) || reflector.get<boolean>(IS_PUBLIC_KEY, target) === true) return true;
  }
  return false;
}

function guardsOf(reflector: Reflector, target: Type<unknown> | RouteAuth['handler']): GuardRef[] {
  return reflector.get<GuardRef[] | undefined>(GUARDS_METADATA, target) ?? [];
}

function isJwtGuard(guard: GuardRef): boolean {
  return guard instanceof JwtGuard || (typeof guard === 'function' && guard.prototype instanceof JwtGuard);
}

// `policy` is the guards' protected description of what they accept; read here, at start-up, from the instance Nest
// built (a class named in @UseGuards() is built once per module).
function policyOf(guard: GuardRef, instances: ReadonlyMap<unknown, JwtGuard>): TokenPolicy | undefined {
  const instance = guard instanceof JwtGuard ? guard : instances.get(guard);
  return (instance as unknown as { policy?: TokenPolicy } | undefined)?.policy ?? { type: 'access' };
}
