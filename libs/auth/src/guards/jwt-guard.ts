import { type CanActivate, type ExecutionContext, Injectable, Optional, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IAuthGuard } from '@nestjs/passport';
import { IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY } from '../auth.constants.js';
import { AuthError } from '../errors/auth-error.js';
import { setAuthErrorHeaders } from '../errors/auth-error.filter.js';
import { HeaderTokenExtractor, type RequestWithHeaders } from '../extractors/header-token.extractor.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { attachVerifiedToken } from '../request/verified-tokens.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { authModuleMissing } from '../errors/auth-module-missing.error.js';
import { RequestVerifier } from './request-verifier.js';

// @nestjs/common keeps this key in its constants file, which its exports map does not expose.
const GUARDS_METADATA = '__guards__';

/** Marks the guard classes of this library, so a global guard can tell when a route names its own. */
const JWT_GUARD = Symbol('nest-jwt-extended:jwt-guard');

type GuardRef = Type<unknown> | object;

/** What the guards read from and write to: the framework's request (Express or Fastify). */
type GuardedRequest = RequestWithHeaders & { user?: unknown };

/** What a route's metadata says, worked out once per handler. */
interface RouteDecision {
  standsAside: boolean;
  optional: boolean;
}

/**
 * What `JwtAuthGuard`, `FreshJwtGuard` and `RefreshJwtGuard` share; they differ only in their {@link TokenPolicy}.
 * Extend one of them (or this class, with a policy of your own) and override its `protected` hooks:
 * `extractToken`, `refuse`, `isOptional`, `standsAside`, `missingTokenMessage`, and `getRequest` for other transports.
 *
 * The guards implement passport's `IAuthGuard` (`getRequest`, `handleRequest`), and the passport strategies of the
 * same policies stay registered, so `AuthGuard('jwt-access')` from @nestjs/passport applies the same rules; the
 * guards themselves skip passport's per-request glue and call the verifier directly (measured in BENCHMARKS.md):
 * - `@Public()` routes are skipped when the guard is used globally (`APP_GUARD`);
 * - a global or class-level JWT guard stands aside when the handler (or class) names a JWT guard of its own,
 *   so `@UseGuards(RefreshJwtGuard)` works under a global `JwtAuthGuard`;
 * - `@OptionalAuth()` lets a request without a token through as anonymous; a bad token is still refused;
 * - every refusal is an {@link AuthError} whose challenge is sent in `WWW-Authenticate`.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class CookieOrHeaderGuard extends JwtAuthGuard {
 *   protected override extractToken(request: RequestWithHeaders): string | undefined {
 *     return super.extractToken(request) ?? readMyCookie(request);
 *   }
 * }
 * ```
 */
@Injectable()
export abstract class JwtGuard implements CanActivate, Pick<IAuthGuard, 'getRequest' | 'handleRequest'> {
  static readonly [JWT_GUARD] = true;

  /** Which tokens this guard accepts: type, and whether they must be fresh. */
  protected abstract readonly policy: TokenPolicy;

  protected readonly extractor: HeaderTokenExtractor;
  protected readonly verifier: TokenVerifier;
  protected readonly revocations: RevocationView;
  /** The `verifyClaims` check, refusal events and user loading; shared with `RequestVerifier.verifyRequest`. */
  protected readonly requests?: RequestVerifier;
  // Looked at once: without `verifyClaims` the accepting path does no more than it did before the option existed.
  private readonly checksClaims: boolean;
  private readonly decisions = new WeakMap<object, Map<object, RouteDecision>>();

  constructor(
    protected readonly reflector: Reflector,
    // Optional only so that a guard used outside AuthModule's scope can say so, instead of Nest naming an internal
    // class it could not resolve.
    @Optional() extractor?: HeaderTokenExtractor,
    @Optional() verifier?: TokenVerifier,
    @Optional() revocations?: RevocationView,
    @Optional() requests?: RequestVerifier,
  ) {
    if (!extractor || !verifier || !revocations) throw authModuleMissing(new.target.name);
    this.extractor = extractor;
    this.verifier = verifier;
    this.revocations = revocations;
    this.requests = requests;
    this.checksClaims = requests?.checksClaims === true;
  }

  /**
   * Answers synchronously when it can (local keys, revocation view in sync): Nest then skips the promise hops of an
   * awaited guard. A promise only while a remote JWKS, an `isTokenRevoked` callback, a store check (tokens living
   * longer than the access window) or a catching-up revocation view must be waited for.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.decide(context);
    if (route.standsAside) return true;
    const request = this.getRequest(context);
    try {
      const token = this.extractToken(request);
      if (token === undefined) {
        if (route.optional) return true;
        throw AuthError.missing(this.missingTokenMessage());
      }
      const verified = this.verifier.verify(token, this.policy);
      if (verified instanceof Promise) return this.acceptLater(verified, request, context);
      const pending = this.revocations.assertNotRevoked(verified);
      if (pending)
        return this.acceptLater(
          pending.then(() => verified),
          request,
          context,
        );
      if (this.checksClaims) {
        const checking = this.requests!.checkClaims(verified);
        if (checking)
          return this.acceptLater(
            checking.then(() => verified),
            request,
            context,
            true,
          );
      }
      this.accept(verified, request, context);
      return true;
    } catch (error) {
      throw this.refuse(this.refusal(error), context);
    }
  }

  /** The request of an HTTP context; override for other transports, as with passport's `AuthGuard`. */
  getRequest(context: ExecutionContext): GuardedRequest {
    // Equivalent to switchToHttp().getRequest(), which allocates an object and three closures on every call.
    return context.getArgByIndex(0);
  }

  /** passport-jwt reports a bad token in `info`; turn it into our error instead of a bare 401. */
  handleRequest<TUser = unknown>(error: unknown, user: unknown, info: unknown, _context?: ExecutionContext): TUser {
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

  /**
   * Sets `WWW-Authenticate` (a 401) or `Retry-After` (a 503) and returns the error to throw. Override to reshape
   * refusals.
   */
  protected refuse(error: AuthError, context: ExecutionContext): Error {
    setAuthErrorHeaders(context.switchToHttp().getResponse(), error);
    return error;
  }

  /** True for `@OptionalAuth()` routes. */
  protected isOptional(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH_KEY, [context.getHandler(), context.getClass()]) === true
    );
  }

  /** The message of the 401 `authorization_required` refusal. */
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

  private async acceptLater(
    verifying: Promise<VerifiedToken>,
    request: GuardedRequest,
    context: ExecutionContext,
    claimsChecked = false,
  ): Promise<boolean> {
    try {
      const verified = await verifying;
      const pending = this.revocations.assertNotRevoked(verified);
      if (pending) await pending;
      if (this.checksClaims && !claimsChecked) await this.requests!.checkClaims(verified);
      this.accept(verified, request, context);
      return true;
    } catch (error) {
      throw this.refuse(this.refusal(error), context);
    }
  }

  /** Any failure as an {@link AuthError}, reported as a security event when anyone listens. */
  private refusal(error: unknown): AuthError {
    return this.requests === undefined ? this.verifier.toAuthError(error) : this.requests.refusal(error);
  }

  private accept(verified: VerifiedToken, request: GuardedRequest, context: ExecutionContext): void {
    request.user = this.handleRequest(null, verified.claims, undefined, context);
    attachVerifiedToken(request, verified);
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
}

function isJwtGuard(guard: GuardRef): boolean {
  const type = (typeof guard === 'function' ? guard : guard.constructor) as unknown as Record<symbol, unknown>;
  return type[JWT_GUARD] === true;
}
