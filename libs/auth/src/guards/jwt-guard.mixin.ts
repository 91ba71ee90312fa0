import { type ExecutionContext, HttpStatus, Injectable, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import { IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY } from '../auth.constants.js';
import { AuthError } from '../errors/auth-error.js';
import { setChallenge } from '../errors/auth-error.filter.js';
import { HeaderTokenExtractor, type RequestWithHeaders } from '../extractors/header-token.extractor.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { attachVerifiedToken } from '../request/verified-tokens.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { TokenVerifier } from '../tokens/token-verifier.js';

// @nestjs/common keeps this key in its constants file, which its exports map does not expose.
const GUARDS_METADATA = '__guards__';

/** Marks the guard classes of this library, so a global guard can tell when a route names its own. */
const JWT_GUARD = Symbol('nest-jwt-extended:jwt-guard');

type GuardRef = Type<unknown> | object;

/** What the three guards share; they differ only in the passport strategy (the policy) they run. */
export interface JwtGuard extends IAuthGuard {
  canActivate(context: ExecutionContext): boolean | Promise<boolean>;
}

/** What the guards read from and write to: the framework's request (Express or Fastify). */
type GuardedRequest = RequestWithHeaders & { user?: unknown };

/** What a route's metadata says, worked out once per handler. */
interface RouteDecision {
  standsAside: boolean;
  optional: boolean;
}

/**
 * Builds a guard class on `AuthGuard(strategy)` from @nestjs/passport. The `strategy` stays registered with passport,
 * so `AuthGuard(strategy)` alone accepts the same tokens; the guard itself skips passport's per-request glue and runs
 * the same verifier, policy and revocation check directly (measured in BENCHMARKS.md). The shared behaviour:
 * - `@Public()` routes are skipped when the guard is used globally (`APP_GUARD`);
 * - a global or class-level JWT guard stands aside when the handler (or class) names a JWT guard of its own,
 *   so `@UseGuards(RefreshJwtGuard)` works under a global `JwtAuthGuard`;
 * - `@OptionalAuth()` lets a request without a token through as anonymous; a bad token is still refused;
 * - every refusal is an {@link AuthError} whose challenge is sent in `WWW-Authenticate`.
 */
export function JwtGuardMixin(strategy: string, policy: TokenPolicy): Type<JwtGuard> {
  @Injectable()
  class MixinJwtGuard extends AuthGuard(strategy) implements JwtGuard {
    static readonly [JWT_GUARD] = true;

    private readonly decisions = new WeakMap<object, Map<object, RouteDecision>>();

    constructor(
      protected readonly reflector: Reflector,
      protected readonly extractor: HeaderTokenExtractor,
      protected readonly verifier: TokenVerifier,
      protected readonly revocations: RevocationView,
    ) {
      super();
    }

    /**
     * Answers synchronously when it can (local keys, revocation view in sync): Nest then skips the promise hops of an
     * awaited guard. A promise only while a remote JWKS, an `isTokenRevoked` callback or a catching-up revocation view
     * must be waited for.
     */
    override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
      const route = this.decide(context);
      if (route.standsAside) return true;
      const request = this.getRequest(context);
      try {
        const token = this.extractToken(request);
        if (token === undefined) {
          if (route.optional) return true;
          throw AuthError.missing(this.missingTokenMessage());
        }
        const verified = this.verifier.verify(token, policy);
        if (verified instanceof Promise) return this.acceptLater(verified, request, context);
        const pending = this.revocations.assertNotRevoked(verified);
        if (pending)
          return this.acceptLater(
            pending.then(() => verified),
            request,
            context,
          );
        this.accept(verified, request, context);
        return true;
      } catch (error) {
        throw this.refuse(this.verifier.toAuthError(error), context);
      }
    }

    /** The request of an HTTP context; override for other transports, as with passport's `AuthGuard`. */
    override getRequest(context: ExecutionContext): GuardedRequest {
      // Equivalent to switchToHttp().getRequest(), which allocates an object and three closures on every call.
      return context.getArgByIndex(0);
    }

    private async acceptLater(
      verifying: Promise<VerifiedToken>,
      request: GuardedRequest,
      context: ExecutionContext,
    ): Promise<boolean> {
      try {
        const verified = await verifying;
        const pending = this.revocations.assertNotRevoked(verified);
        if (pending) await pending;
        this.accept(verified, request, context);
        return true;
      } catch (error) {
        throw this.refuse(this.verifier.toAuthError(error), context);
      }
    }

    private accept(verified: VerifiedToken, request: GuardedRequest, context: ExecutionContext): void {
      request.user = this.handleRequest(null, verified.claims, undefined, context);
      attachVerifiedToken(request, verified);
    }

    /** passport-jwt reports a bad token in `info`; turn it into our error instead of a bare 401. */
    override handleRequest<TUser = unknown>(
      error: unknown,
      user: unknown,
      info: unknown,
      _context?: ExecutionContext,
    ): TUser {
      // passport hands over whatever a strategy failed with; rethrow it as it is.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (error) throw error;
      if (!user) throw this.verifier.toAuthError(info);
      return user as TUser;
    }

    /** Finds the raw token in the request; `undefined` means none was sent. Override to read other places. */
    protected extractToken(request: RequestWithHeaders): string | undefined {
      return this.extractor.extract(request);
    }

    /** Sets `WWW-Authenticate` and returns the error to throw. Override to reshape refusals. */
    protected refuse(error: AuthError, context: ExecutionContext): Error {
      if (error.getStatus() === HttpStatus.UNAUTHORIZED)
        setChallenge(context.switchToHttp().getResponse(), error.challenge);
      return error;
    }

    // Metadata does not change at run time, so each handler is looked at once.
    private decide(context: ExecutionContext): RouteDecision {
      const controller = context.getClass();
      let byHandler = this.decisions.get(controller);
      if (byHandler === undefined) this.decisions.set(controller, (byHandler = new Map()));
      let decision = byHandler.get(context.getHandler());
      if (decision === undefined) {
        decision = { standsAside: this.standsAside(context), optional: this.isOptional(context) };
        byHandler.set(context.getHandler(), decision);
      }
      return decision;
    }

    /** True for `@OptionalAuth()` routes. */
    protected isOptional(context: ExecutionContext): boolean {
      return (
        this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH_KEY, [context.getHandler(), context.getClass()]) ===
        true
      );
    }

    protected missingTokenMessage(): string {
      return 'Missing authorization token';
    }

    /**
     * Whether this guard lets another one decide. Handler beats class beats global: at each level, naming this
     * guard means it runs, naming another JWT guard or `@Public()` means it stands aside.
     */
    protected standsAside(context: ExecutionContext): boolean {
      for (const target of [context.getHandler(), context.getClass()]) {
        const guards = this.reflector.get<GuardRef[] | undefined>(GUARDS_METADATA, target) ?? [];
        if (guards.some((guard) => guard === this || guard === this.constructor)) return false;
        if (guards.some(isJwtGuard) || this.reflector.get<boolean>(IS_PUBLIC_KEY, target) === true) return true;
      }
      return false;
    }
  }
  return MixinJwtGuard;
}

function isJwtGuard(guard: GuardRef): boolean {
  const type = (typeof guard === 'function' ? guard : guard.constructor) as unknown as Record<symbol, unknown>;
  return type[JWT_GUARD] === true;
}
