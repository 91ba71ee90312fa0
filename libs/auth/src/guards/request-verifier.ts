import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { SecurityEvents } from '../events/security-events.js';
import { type ExtractableRequest, TokenExtractor } from '../extractors/token-extractor.js';
import type { TokenLocation } from '../request/token-location.js';
import { attachVerifiedToken, verifiedTokenOfRequest } from '../request/verified-tokens.js';
import { RevocationView } from '../revocation/revocation-view.js';
import type { AnyTokenType, VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import type { ClaimsRefusal, GuardSettings } from './guard-settings.js';
import type { UserLoader } from './user-loader.interface.js';

/**
 * Options of {@link RequestVerifier.verifyRequest} (Flask-JWT-Extended's `verify_jwt_in_request` arguments).
 *
 * @example
 * ```ts
 * await verifier.verifyRequest(request, { type: 'refresh' });
 * await verifier.verifyRequest(request, { fresh: true });
 * await verifier.verifyRequest(request, { type: ['access', 'refresh'], optional: true });
 * ```
 */
export interface VerifyRequestOptions {
  /** The type (or types) accepted. Default `access`. */
  type?: AnyTokenType | readonly AnyTokenType[];
  /** Demand a fresh access token. */
  fresh?: boolean;
  /** A request without a token resolves with `undefined` instead of being refused (a bad token still is). */
  optional?: boolean;
  /** Where to look, in order; default the module's `tokenLocation`. */
  locations?: readonly TokenLocation[];
}

const NO_USER = Symbol('no user');

/**
 * Verifies the token of a request exactly as the guards do, revocation and `verifyClaims` included, for code outside
 * a guard: a middleware, an interceptor, a service deciding case by case (Flask-JWT-Extended's
 * `verify_jwt_in_request`). The verified token is attached to the request, so `@CurrentClaims()` and friends read it
 * afterwards. Refusals are {@link AuthError}s, answered in the module's `errorFormat`.
 *
 * @example
 * ```ts
 * @Get('maybe')
 * async maybe(@Req() request: Request) {
 *   const verified = await this.requests.verifyRequest(request, { optional: true });
 *   return verified ? { hello: verified.identity } : { hello: 'stranger' };
 * }
 * ```
 */
@Injectable()
export class RequestVerifier {
  private readonly users = new WeakMap<object, Promise<unknown>>();

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: GuardSettings,
    private readonly extractor: TokenExtractor,
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationView,
    @Optional() private readonly events?: SecurityEvents,
  ) {}

  /** Whether a `verifyClaims` check is configured (the guards look once, at start-up). */
  get checksClaims(): boolean {
    return this.settings.verifyClaims !== undefined;
  }

  /**
   * Verifies the request's token: found where the guards look, valid, of the right type (and fresh if asked), not
   * revoked, accepted by `verifyClaims`. Resolves with the verified token (or `undefined` for an optional request
   * without one); rejects with the refusal.
   */
  async verifyRequest(
    request: ExtractableRequest,
    options: VerifyRequestOptions = {},
  ): Promise<VerifiedToken | undefined> {
    try {
      const type = options.type ?? 'access';
      // The cookie, CSRF header and JSON key of the first type when several are accepted, as the guards read them.
      const extractionType = typeof type === 'string' ? type : (type[0] ?? 'access');
      const found = this.extractor.extract(request, extractionType, options.locations);
      if (found === undefined) {
        if (options.optional === true) return undefined;
        throw AuthError.missing(this.extractor.missingMessage(extractionType, options.locations, request));
      }
      const verified = await this.verifier.verify(found.token, { type, fresh: options.fresh });
      this.extractor.assertCsrf(found, verified.claims);
      await this.revocations.assertNotRevoked(verified);
      await this.checkClaims(verified);
      (request as { user?: unknown }).user = verified.claims;
      attachVerifiedToken(request, verified, found.location);
      return verified;
    } catch (error) {
      throw this.refusal(error);
    }
  }

  /** Runs `verifyClaims` on a verified token; a promise only while an async check runs. Internal to the guards. */
  checkClaims(verified: VerifiedToken): void | Promise<void> {
    const verify = this.settings.verifyClaims;
    if (verify === undefined) return;
    const outcome = verify(verified.claims, verified.header);
    if (outcome instanceof Promise) return outcome.then((answer) => judgeClaims(answer, verified));
    judgeClaims(outcome, verified);
  }

  /**
   * The user of the request's verified token, loaded once per request by the {@link UserLoader} given (or the
   * `loadUser` option); `undefined` on an anonymous request. Rejects with 401 `user_not_found` when there is none.
   */
  loadUser(request: object, loader?: UserLoader): Promise<unknown> {
    const verified = verifiedTokenOfRequest(request);
    if (verified === undefined) return Promise.resolve(undefined);
    let user = this.users.get(request);
    if (user === undefined) {
      user = this.findUser(verified, loader).then((found) => {
        if (found !== NO_USER) return found;
        throw this.refusal(
          new AuthError(AuthErrorCode.UserNotFound, 'User not found', 'invalid_token').about({
            claims: verified.claims,
            header: verified.header,
            identity: verified.identity,
          }),
        );
      });
      this.users.set(request, user);
    }
    return user;
  }

  /** Any failure as an {@link AuthError}, reported as a `refused` security event. Internal to the guards. */
  refusal(error: unknown): AuthError {
    const refusal = this.verifier.toAuthError(error);
    if (this.events?.listened === true) {
      this.events.emit({
        type: 'refused',
        code: refusal.code,
        status: refusal.getStatus(),
        ...(refusal.token?.identity !== undefined && { identity: refusal.token.identity }),
      });
    }
    return refusal;
  }

  private async findUser(verified: VerifiedToken, loader?: UserLoader): Promise<unknown> {
    const load = loader ?? this.settings.loadUser;
    if (load === undefined) {
      throw new Error(
        'nest-jwt-extended: @CurrentUser() needs a user loader: give AuthModule the loadUser option, or provide ' +
          'UserLoader in the module of the controller',
      );
    }
    const user = await (typeof load === 'function'
      ? load(verified.identity, verified.claims)
      : load.loadUser(verified.identity, verified.claims));
    return user === undefined || user === null ? NO_USER : user;
  }
}

function judgeClaims(answer: boolean | ClaimsRefusal | void, verified: VerifiedToken): void {
  if (answer === undefined || answer === true) return;
  const details = { claims: verified.claims, header: verified.header, identity: verified.identity };
  if (answer === false || answer === null || typeof answer !== 'object') {
    throw new AuthError(
      AuthErrorCode.ClaimsVerificationFailed,
      'User claims verification failed',
      'invalid_token',
    ).about(details);
  }
  throw new AuthError(answer.code, answer.message ?? 'User claims verification failed', 'invalid_token').about(details);
}
