import { type CanActivate, type ExecutionContext, Injectable, Optional, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  IS_PUBLIC_KEY,
  OPTIONAL_AUTH_KEY,
  REQUIRE_AUTH_KEY,
  REQUIRE_SCOPES_KEY,
  TOKEN_LOCATION_KEY,
} from '../auth.constants.js';
import { type AuthError, toAuthError } from '../errors/auth-error.js';
import { setAuthErrorHeaders } from '../errors/auth-error.filter.js';
import type { ExtractedToken } from '../extractors/extracted-token.js';
import { type ExtractableRequest, TokenExtractor } from '../extractors/token-extractor.js';
import type { TokenLocation } from '../request/token-location.js';
import { tokenLocationOfRequest } from '../request/verified-tokens.js';
import { ImplicitRefresh } from '../sessions/implicit-refresh.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import type { StepUpRequirement } from '../step-up/step-up-requirement.js';
import { authModuleMissing } from '../errors/auth-module-missing.error.js';
import type { TokenDemand } from '../verification/token-demand.js';
import { extractionType, VerificationPipeline } from '../verification/verification-pipeline.js';
import { contextRequestOf } from '../context/context-request.js';
import { refusalOutsideHttp } from '../context/context-refusal.js';
import { OperationDecisions } from '../context/operation-decisions.js';

// @nestjs/common keeps this key in its constants file, which its exports map does not expose.
const GUARDS_METADATA = '__guards__';

/** Marks the guard classes of this library, so a global guard can tell when a route names its own. */
const JWT_GUARD = Symbol('nest-jwt-extended:jwt-guard');

type GuardRef = Type<unknown> | object;

/** What the guards read from and write to: the framework's request (Express or Fastify). */
type GuardedRequest = ExtractableRequest & { user?: unknown };

/** What a route's metadata says, worked out once per handler: whether the guard decides, and what it demands. */
interface RouteDecision {
  controller: object;
  standsAside: boolean;
  demand: TokenDemand;
}

/**
 * What `JwtAuthGuard`, `FreshJwtGuard` and `RefreshJwtGuard` share; they differ only in their {@link TokenPolicy}.
 * Extend one of them (or this class, with a policy of your own) and override its `protected` hooks:
 * `extractToken`, `refuse`, `isOptional`, `standsAside`, `missingTokenMessage`, and `getRequest` for other transports.
 *
 * The guards have the shape of passport's `IAuthGuard` (`getRequest`, `handleRequest`), and where @nestjs/passport,
 * passport and passport-jwt are installed the passport strategies of the same policies are registered, so
 * `AuthGuard('jwt-access')` applies the same rules; the guards themselves need no passport, skip its per-request
 * glue and call the verifier directly (measured in BENCHMARKS.md):
 * - `@Public()` routes are skipped when the guard is used globally (`APP_GUARD`);
 * - a global or class-level JWT guard stands aside when the handler (or class) names a JWT guard of its own,
 *   so `@UseGuards(RefreshJwtGuard)` works under a global `JwtAuthGuard`;
 * - `@OptionalAuth()` lets a request without a token through as anonymous; a bad token is still refused;
 * - the token is looked for in the route's `@TokenLocation()` or the module's `tokenLocation`, and a cookie-borne
 *   token on an unsafe method must pass the CSRF double-submit check;
 * - every refusal is an {@link AuthError} whose challenge is sent in `WWW-Authenticate`.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class ApiKeyHeaderGuard extends JwtAuthGuard {
 *   protected override extractToken(request: ExtractableRequest, locations?: readonly TokenLocation[]) {
 *     const apiKey = request.headers['x-api-key'];
 *     if (typeof apiKey === 'string') return { token: apiKey, location: 'headers' as const };
 *     return super.extractToken(request, locations);
 *   }
 * }
 * ```
 */
@Injectable()
export abstract class JwtGuard implements CanActivate {
  static readonly [JWT_GUARD] = true;

  /** Which tokens this guard accepts: type, and whether they must be fresh. */
  protected abstract readonly policy: TokenPolicy;

  protected readonly extractor: TokenExtractor;
  /** The one verification path every transport shares: extract, verify, CSRF, revocation, `verifyClaims`, attach. */
  protected readonly pipeline: VerificationPipeline;
  private readonly implicitRefresh: ImplicitRefresh | undefined;
  // Bound: one entry per route handler (and per controller sharing an inherited one), fixed once the app has started.
  private readonly decisions = new Map<object, RouteDecision>();
  private readonly inheritedDecisions = new WeakMap<object, Map<object, RouteDecision>>();
  // Routes that demand the same share one demand object, so a GraphQL operation decides it once for all its fields.
  // Bound: one per distinct (optional, locations) among the routes.
  private readonly demands = new Map<string, TokenDemand>();
  private readonly operations = new OperationDecisions();
  // The hooks a subclass overrides, bound once for the pipeline (a request allocates nothing for them); left out where
  // not overridden, so the pipeline calls the extractor itself and the common request makes no extra call.
  private readonly find?: TokenDemand['find'];
  private readonly missingMessage?: TokenDemand['missingMessage'];
  private readonly mapsUser: boolean;

  constructor(
    protected readonly reflector: Reflector,
    // Optional only so that a guard used outside AuthModule's scope can say so, instead of Nest naming an internal
    // class it could not resolve.
    @Optional() pipeline?: VerificationPipeline,
    @Optional() extractor?: TokenExtractor,
    @Optional() implicitRefresh?: ImplicitRefresh,
  ) {
    if (!pipeline || !extractor) throw authModuleMissing(new.target.name);
    this.pipeline = pipeline;
    this.extractor = extractor;
    this.implicitRefresh = implicitRefresh?.enabled ? implicitRefresh : undefined;
    if (this.extractToken !== JwtGuard.prototype.extractToken) {
      this.find = (request, locations) => this.extractToken(request, locations);
    }
    if (this.missingTokenMessage !== JwtGuard.prototype.missingTokenMessage) {
      this.missingMessage = (locations, request) => this.missingTokenMessage(locations, request);
    }
    this.mapsUser = this.handleRequest !== JwtGuard.prototype.handleRequest;
  }

  /**
   * Answers synchronously when it can (local keys, revocation view in sync): Nest then skips the promise hops of an
   * awaited guard. A promise only while a remote JWKS, an `isTokenRevoked` callback, a store check (tokens living
   * longer than the access window), an async `verifyClaims` or a catching-up revocation view must be waited for.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.decide(context);
    if (route.standsAside) return true;
    // Every field and alias of a GraphQL operation asks: decided once per operation.
    if (context.getType<string>() === 'graphql') {
      return this.operations.decide(context.getArgByIndex(2), route.demand, () => this.activate(context, route.demand));
    }
    return this.activate(context, route.demand);
  }

  private activate(context: ExecutionContext, demand: TokenDemand): boolean | Promise<boolean> {
    const request = this.getRequest(context);
    let verified: VerifiedToken | undefined | Promise<VerifiedToken | undefined>;
    try {
      verified = this.pipeline.verify(request, demand);
    } catch (error) {
      throw this.refuse(error as AuthError, context);
    }
    if (verified instanceof Promise) {
      return verified.then(
        (token) => this.accept(token, request, context),
        (error: unknown) => {
          throw this.refuse(error as AuthError, context);
        },
      );
    }
    return this.accept(verified, request, context);
  }

  /**
   * The request to read the token from: the HTTP request; in a GraphQL resolver, the operation's HTTP request (or,
   * for a subscription over graphql-ws, one built from its `connectionParams`); in a gateway, one built from the
   * socket's handshake. Override for other transports, as with passport's `AuthGuard`.
   */
  getRequest(context: ExecutionContext): GuardedRequest {
    // Equivalent to switchToHttp().getRequest(), which allocates an object and three closures on every call; HTTP
    // costs one comparison more than that, every other transport is worked out in context/.
    if (context.getType() === 'http') return context.getArgByIndex(0);
    return contextRequestOf(context, this.extractor) ?? { headers: {} };
  }

  /** passport-jwt reports a bad token in `info`; turn it into our error instead of a bare 401. */
  handleRequest<TUser = unknown>(error: unknown, user: unknown, info: unknown, _context?: ExecutionContext): TUser {
    // passport hands over whatever a strategy failed with; rethrow it as it is.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (error) throw error;
    if (!user) throw toAuthError(info);
    return user as TUser;
  }

  /**
   * Finds the token in the route's locations (`@TokenLocation()`, else the module's `tokenLocation`). Override to read
   * a token from elsewhere; return `undefined` for "no token".
   */
  protected extractToken(
    request: ExtractableRequest,
    locations?: readonly TokenLocation[],
  ): ExtractedToken | undefined {
    return this.extractor.extract(request, extractionType(this.policy), locations);
  }

  /**
   * Sets `WWW-Authenticate` (a 401) or `Retry-After` (a 503) and returns the error to throw. Outside HTTP, touches no
   * response: a GraphQL error with `extensions.code` and `extensions.authCode`, or a gateway `exception` event with
   * the `code`. Override to reshape refusals.
   */
  protected refuse(error: AuthError, context: ExecutionContext): Error {
    if (context.getType() !== 'http') return refusalOutsideHttp(error, context);
    setAuthErrorHeaders(context.switchToHttp().getResponse(), error);
    return error;
  }

  /** True for `@OptionalAuth()` routes. */
  protected isOptional(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH_KEY, [context.getHandler(), context.getClass()]) === true
    );
  }

  /** The message of the 401 for a request without a token: where the guard looked. */
  protected missingTokenMessage(locations?: readonly TokenLocation[], request?: ExtractableRequest): string {
    return this.pipeline.missingMessage(this.policy, locations, request ?? { headers: {} });
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

  /** Lets the request in: the user is what `handleRequest` makes of the claims; a cookie near expiry is renewed. */
  private accept(verified: VerifiedToken | undefined, request: GuardedRequest, context: ExecutionContext): true {
    if (verified === undefined) return true; // an optional route, no token
    // The pipeline made the claims the user; an overridden handleRequest makes something else of them.
    if (this.mapsUser) request.user = this.handleRequest(null, verified.claims, undefined, context);
    if (
      this.implicitRefresh !== undefined &&
      context.getType() === 'http' &&
      tokenLocationOfRequest(request) === 'cookies'
    ) {
      this.implicitRefresh.renewIfDue(verified, context.getArgByIndex(1));
    }
    return true;
  }

  // Metadata does not change at run time, so each handler is looked at once; the common lookup is one Map read.
  private decide(context: ExecutionContext): RouteDecision {
    const known = this.decisions.get(context.getHandler());
    if (known !== undefined && known.controller === context.getClass()) return known;
    return this.decideFor(context);
  }

  // A handler met under another controller (one that inherits it) is looked up by both.
  private decideFor(context: ExecutionContext): RouteDecision {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.inheritedDecisions.get(controller);
    if (byHandler === undefined) this.inheritedDecisions.set(controller, (byHandler = new Map()));
    let decision = byHandler.get(handler);
    if (decision === undefined) {
      // @RequireAuth() is read here, once per handler: a route without it keeps the guard's own policy object.
      const stepUp = this.reflector.getAllAndOverride<StepUpRequirement | undefined>(REQUIRE_AUTH_KEY, [
        handler,
        controller,
      ]);
      // @RequireScopes() likewise: read once, carried in the policy only where a route has it.
      const scopes = this.reflector.getAllAndOverride<readonly string[] | undefined>(REQUIRE_SCOPES_KEY, [
        handler,
        controller,
      ]);
      const optional = this.isOptional(context);
      const locations = this.reflector.getAllAndOverride<readonly TokenLocation[] | undefined>(TOKEN_LOCATION_KEY, [
        handler,
        controller,
      ]);
      // Routes that demand alike share one demand (a GraphQL operation is decided once per demand); a step-up or
      // scope requirement makes a demand of its own.
      const plain = stepUp === undefined && scopes === undefined;
      const key = plain ? `${optional}|${locations?.join(',') ?? '*'}` : undefined;
      let demand = key === undefined ? undefined : this.demands.get(key);
      if (demand === undefined) {
        const policy = plain ? this.policy : { ...this.policy, ...(stepUp && { stepUp }), ...(scopes && { scopes }) };
        demand = { policy, optional, locations, find: this.find, missingMessage: this.missingMessage };
        if (key !== undefined) this.demands.set(key, demand);
      }
      decision = { controller, standsAside: this.standsAside(context), demand };
      byHandler.set(handler, decision);
    }
    this.decisions.set(handler, decision);
    return decision;
  }
}

function isJwtGuard(guard: GuardRef): boolean {
  const type = (typeof guard === 'function' ? guard : guard.constructor) as unknown as Record<symbol, unknown>;
  return type[JWT_GUARD] === true;
}
