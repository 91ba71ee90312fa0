import { type ExecutionContext, Inject, Injectable, Optional, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthError, toAuthError } from '../errors/auth-error.js';
import { TokenExtractor } from '../extractors/token-extractor.js';
import type { JwtGuard } from '../guards/jwt-guard.js';
import { ImplicitRefresh } from '../sessions/implicit-refresh.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { VerificationPipeline } from '../verification/verification-pipeline.js';
import { configurationToken } from './configuration-name.js';
import { type GuardClass, unknownConfiguration } from './configured-guard.js';

/** What each configuration gives the guard: the three dependencies of a guard. */
const PER_CONFIGURATION = [VerificationPipeline, TokenExtractor, ImplicitRefresh] as const;

/**
 * `base` accepting a token of any of the configurations `names`, tried in order: the first that accepts wins (its
 * name is what `@CurrentConfig()` reads), and when none does, the refusal is the first one's (its code, its challenge,
 * its `errorFormat`). Each configuration is tried by a guard of its own, built once with that configuration's pipeline,
 * which decides its routes once per handler as any guard does. Internal: see `JwtAuthGuard.for`.
 */
export function anyConfigurationGuard(base: GuardClass, names: readonly string[]): Type<JwtGuard> {
  const label = `${base.name}.for([${names.map((name) => `'${name}'`).join(', ')}])`;

  // One configuration's guard inside this one: never stands aside (this guard decided already), and hands its refusal
  // back untouched (no challenge header is set on a response another configuration may still accept).
  class Member extends base {
    declare protected readonly policy: TokenPolicy;

    protected override standsAside(): boolean {
      return false;
    }

    protected override refuse(error: AuthError): Error {
      return error;
    }
  }

  @Injectable()
  class AnyConfigurationGuard extends base {
    declare protected readonly policy: TokenPolicy;
    private readonly members: JwtGuard[];
    // Whether this guard stands aside, per handler: metadata does not change once the app has started.
    private readonly asides = new Map<object, { controller: object; standsAside: boolean }>();

    constructor(reflector: Reflector, ...dependencies: unknown[]) {
      const members = names.map((name, index) => {
        const [pipeline, extractor, implicitRefresh] = dependencies.slice(index * 3, index * 3 + 3) as [
          VerificationPipeline | undefined,
          TokenExtractor | undefined,
          ImplicitRefresh | undefined,
        ];
        if (pipeline === undefined) throw unknownConfiguration(label, name);
        return new Member(reflector, pipeline, extractor, implicitRefresh);
      });
      super(reflector, ...(dependencies.slice(0, 3) as [VerificationPipeline, TokenExtractor, ImplicitRefresh]));
      this.members = members;
    }

    override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
      if (this.standsAsideOn(context)) return true;
      return this.attempt(context, 0, undefined);
    }

    private attempt(context: ExecutionContext, index: number, first: unknown): boolean | Promise<boolean> {
      let outcome: boolean | Promise<boolean>;
      try {
        outcome = this.members[index]!.canActivate(context);
      } catch (error) {
        return this.next(context, index, first ?? error);
      }
      if (outcome instanceof Promise)
        return outcome.catch((error: unknown) => this.next(context, index, first ?? error));
      return outcome;
    }

    private next(context: ExecutionContext, index: number, first: unknown): boolean | Promise<boolean> {
      if (index + 1 < this.members.length) return this.attempt(context, index + 1, first);
      // Any failure as the AuthError a client gets (a 401, never a 500), as the single-configuration guard answers.
      throw this.refuse(toAuthError(first), context);
    }

    private standsAsideOn(context: ExecutionContext): boolean {
      const handler = context.getHandler();
      const known = this.asides.get(handler);
      if (known !== undefined && known.controller === context.getClass()) return known.standsAside;
      const standsAside = this.standsAside(context);
      this.asides.set(handler, { controller: context.getClass(), standsAside });
      return standsAside;
    }
  }
  // Constructor parameters by position: the reflector, then each configuration's pipeline, extractor and implicit
  // refresh, each optional so that a missing configuration is reported by name rather than by Nest's resolver.
  const tokens = names.flatMap((name) => PER_CONFIGURATION.map((kind) => configurationToken<object>(name, kind)));
  Reflect.defineMetadata('design:paramtypes', [Reflector, ...tokens.map(() => Object)], AnyConfigurationGuard);
  tokens.forEach((token, index) => {
    Inject(token)(AnyConfigurationGuard, undefined, index + 1);
    Optional()(AnyConfigurationGuard, undefined, index + 1);
  });
  Object.defineProperty(AnyConfigurationGuard, 'name', { value: label });
  return AnyConfigurationGuard;
}
