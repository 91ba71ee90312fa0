import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { ExtractableRequest } from '../extractors/token-extractor.js';
import type { TokenLocation } from '../request/token-location.js';
import { verifiedTokenOfRequest } from '../request/verified-tokens.js';
import type { AnyTokenType, VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { VerificationPipeline } from '../verification/verification-pipeline.js';
import { eagerlyLoadedUser, userNotFound } from '../verification/eager-user.js';
import type { TokenRequest } from '../request/token-request.js';
import type { GuardSettings } from './guard-settings.js';
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
    private readonly pipeline: VerificationPipeline,
  ) {}

  /**
   * Verifies the request's token: found where the guards look, valid, of the right type (and fresh if asked), not
   * revoked, accepted by `verifyClaims`. Resolves with the verified token (or `undefined` for an optional request
   * without one); rejects with the refusal.
   */
  async verifyRequest(
    request: ExtractableRequest,
    options: VerifyRequestOptions = {},
  ): Promise<VerifiedToken | undefined> {
    return this.pipeline.verify(request, {
      policy: { type: options.type ?? 'access', fresh: options.fresh },
      locations: options.locations,
      optional: options.optional,
    });
  }

  /**
   * The user of the request's verified token, loaded once per request by the {@link UserLoader} given (or the
   * `loadUser` option); `undefined` on an anonymous request. Rejects with 401 `user_not_found` when there is none.
   * With `loadUserOn: 'every-request'`, the user the guard loaded, without loading again.
   */
  loadUser(request: object, loader?: UserLoader): Promise<unknown> {
    const verified = verifiedTokenOfRequest(request);
    if (verified === undefined) return Promise.resolve(undefined);
    if (this.settings.loadUserOn === 'every-request') {
      const loaded = eagerlyLoadedUser(request);
      if (loaded !== undefined) return Promise.resolve(loaded.user);
    }
    let user = this.users.get(request);
    if (user === undefined) {
      user = this.findUser(verified, request, loader).then((found) => {
        if (found !== NO_USER) return found;
        throw this.pipeline.refusal(userNotFound(verified));
      });
      this.users.set(request, user);
    }
    return user;
  }

  private async findUser(verified: VerifiedToken, request: object, loader?: UserLoader): Promise<unknown> {
    const load = loader ?? this.settings.loadUser;
    if (load === undefined) {
      throw new Error(
        'nest-jwt-extended: @CurrentUser() needs a user loader: give AuthModule the loadUser option, or provide ' +
          'UserLoader in the module of the controller',
      );
    }
    const user = await (typeof load === 'function'
      ? load(verified.identity, verified.claims, request as TokenRequest)
      : load.loadUser(verified.identity, verified.claims, request as TokenRequest));
    return user === undefined || user === null ? NO_USER : user;
  }
}
