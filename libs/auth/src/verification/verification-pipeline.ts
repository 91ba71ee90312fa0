import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError, toAuthError } from '../errors/auth-error.js';
import { DpopService } from '../dpop/dpop.service.js';
import type { DpopRequest } from '../dpop/dpop-request-target.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import { SecurityEvents } from '../events/security-events.js';
import type { ExtractedToken } from '../extractors/extracted-token.js';
import { type ExtractableRequest, TokenExtractor } from '../extractors/token-extractor.js';
import type { TokenLocation } from '../request/token-location.js';
import { attachVerifiedToken } from '../request/verified-tokens.js';
import { RevocationView } from '../revocation/revocation-view.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { assertStepUp } from '../step-up/step-up-check.js';
import type { StepUpRequirement } from '../step-up/step-up-requirement.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { checkClaims } from './claims-check.js';
import { loadUserEagerly } from './eager-user.js';
import type { TokenDemand } from './token-demand.js';
import type { ClaimsVerifier, LoadUser, VerificationSettings } from './verification-settings.js';

/** A request as the pipeline leaves it: the verified claims as `user`, as passport would. */
type AttachableRequest = ExtractableRequest & DpopRequest & { user?: unknown };

/**
 * The one path from a request to a verified token: extract → verify → CSRF → revocation → DPoP proof → `verifyClaims`
 * → user (with `loadUserOn: 'every-request'`) → attach,
 * and a `refused` security event for any refusal. The guards (HTTP and GraphQL), the passport strategies,
 * `RequestVerifier.verifyRequest` and the socket handshake all call {@link verify}; a check added here holds on every
 * transport. It answers synchronously when every step does (local keys, revocation view in sync, a sync or no
 * `verifyClaims`), so the common request allocates no promise, and continues in one `then` from the first step that
 * must wait.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class TokenMiddleware implements NestMiddleware {
 *   constructor(private readonly pipeline: VerificationPipeline) {}
 *   async use(request: Request, _response: Response, next: () => void) {
 *     await this.pipeline.verify(request, { policy: { type: 'access' }, optional: true });
 *     next();
 *   }
 * }
 * ```
 */
@Injectable()
export class VerificationPipeline {
  // Looked at once: without `verifyClaims` the accepting path does no more than it did before the option existed.
  private readonly verifyClaims: ClaimsVerifier | undefined;
  // The loader, only with loadUserOn: 'every-request'; and one flag for both steps, the one field the common path reads.
  private readonly eagerLoadUser: LoadUser | undefined;
  private readonly checksAfterRevocation: boolean;
  // Looked at once: with DPoP off and not required, an unbound bearer token costs one look for `cnf` and no more.
  private readonly dpopRequired: boolean;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) settings: VerificationSettings,
    private readonly extractor: TokenExtractor,
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationView,
    @Optional() private readonly events?: SecurityEvents,
    @Optional() private readonly dpop?: DpopService,
  ) {
    this.verifyClaims = settings.verifyClaims;
    this.eagerLoadUser = settings.loadUserOn === 'every-request' ? settings.loadUser : undefined;
    this.checksAfterRevocation = this.verifyClaims !== undefined || this.eagerLoadUser !== undefined;
    this.dpopRequired = dpop?.required === true;
  }

  /** Whether a `verifyClaims` check is configured. */
  get checksClaims(): boolean {
    return this.verifyClaims !== undefined;
  }

  /**
   * The request's verified token, attached to the request (`request.user` holds its claims, `@CurrentClaims()` and
   * friends read it); `undefined` for an optional request without a token. Throws (or rejects with) the refusal, an
   * {@link AuthError}, after reporting it as a `refused` security event.
   */
  verify(
    request: ExtractableRequest,
    demand: TokenDemand,
  ): VerifiedToken | undefined | Promise<VerifiedToken | undefined> {
    let found: ExtractedToken | undefined;
    try {
      found = demand.find
        ? demand.find(request, demand.locations)
        : this.extractor.extract(request, extractionType(demand.policy), demand.locations);
      if (found === undefined) {
        if (demand.optional === true) return undefined;
        throw AuthError.missing(
          demand.missingMessage
            ? demand.missingMessage(demand.locations, request)
            : this.missingMessage(demand.policy, demand.locations, request),
        );
      }
      // The header extractor looked the token up in the verified-token cache already: its answer is carried here.
      const extracted = found;
      const verified =
        found.verified === undefined
          ? this.verifier.verify(found.token, demand.policy)
          : this.verifier.verifyLookedUp(found.token, found.verified, demand.policy);
      const accepted =
        verified instanceof Promise
          ? verified.then((token) => this.acceptVerified(token, extracted, request, demand.policy.stepUp))
          : this.acceptVerified(verified, extracted, request, demand.policy.stepUp);
      return accepted instanceof Promise
        ? accepted.catch((error: unknown) => this.rethrow(error, extracted))
        : accepted;
    } catch (error) {
      return this.rethrow(error, found);
    }
  }

  /**
   * The 401 message for a request without a token: where the extractor looked (Flask's wording), or the plain
   * `Missing authorization token` of an app that reads only the `Authorization` header.
   */
  missingMessage(
    policy: TokenPolicy,
    locations: readonly TokenLocation[] | undefined,
    request: ExtractableRequest,
  ): string {
    const searched = locations ?? this.extractor.defaultLocations;
    if (searched.length === 1 && searched[0] === 'headers') return 'Missing authorization token';
    return this.extractor.missingMessage(extractionType(policy), searched, request);
  }

  /** Any failure as an {@link AuthError}, reported as a `refused` security event when anyone listens. */
  refusal(error: unknown): AuthError {
    const refusal = toAuthError(error);
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

  // CSRF, then revocation (once: a pending check is continued, never asked again), then step-up, verifyClaims, attach.
  private acceptVerified(
    verified: VerifiedToken,
    found: ExtractedToken,
    request: AttachableRequest,
    stepUp: StepUpRequirement | undefined,
  ): VerifiedToken | Promise<VerifiedToken> {
    // Only a cookie-borne token on a checked method carries a CSRF value to compare.
    if (found.csrf !== undefined) this.extractor.assertCsrf(found, verified.claims);
    // After verification, so an expired or forged token is reported as such, not as revoked.
    const revoked = this.revocations.assertNotRevoked(verified, request);
    if (revoked) return revoked.then(() => this.acceptUnrevoked(verified, found, request, stepUp));
    return this.acceptUnrevoked(verified, found, request, stepUp);
  }

  private acceptUnrevoked(
    verified: VerifiedToken,
    found: ExtractedToken,
    request: AttachableRequest,
    stepUp: StepUpRequirement | undefined,
  ): VerifiedToken | Promise<VerifiedToken> {
    // After revocation: a revoked token is told so, never to step up. Undefined on every route without @RequireAuth().
    if (stepUp !== undefined) assertStepUp(verified.claims, stepUp, epochSeconds(this.verifier.now));
    // A bound token, a token sent as DPoP, or DPoP required: the proof is checked here, once, for every transport.
    if (verified.claims.cnf !== undefined || found.dpop === true || this.dpopRequired) {
      const proving = this.proof(request, found, verified);
      if (proving) return proving.then(() => this.acceptProven(verified, found, request));
    }
    return this.acceptProven(verified, found, request);
  }

  private acceptProven(
    verified: VerifiedToken,
    found: ExtractedToken,
    request: AttachableRequest,
  ): VerifiedToken | Promise<VerifiedToken> {
    if (this.checksAfterRevocation) return this.acceptChecked(verified, found, request);
    return attach(verified, found, request);
  }

  // verifyClaims, then the eager user load (loadUserOn: 'every-request'); both are given the request.
  private acceptChecked(
    verified: VerifiedToken,
    found: ExtractedToken,
    request: AttachableRequest,
  ): VerifiedToken | Promise<VerifiedToken> {
    if (this.verifyClaims !== undefined) {
      const checking = checkClaims(this.verifyClaims, verified, request);
      if (checking) return checking.then(() => this.acceptUser(verified, found, request));
    }
    return this.acceptUser(verified, found, request);
  }

  private proof(request: AttachableRequest, found: ExtractedToken, verified: VerifiedToken): void | Promise<void> {
    if (this.dpop === undefined) {
      // Without the module's DpopService (a pipeline built by hand), a bound token cannot be checked: refused.
      if (verified.claims.cnf !== undefined)
        throw new AuthError(AuthErrorCode.DpopBindingMismatch, 'Token is bound to a DPoP key', 'invalid_token');
      return;
    }
    return this.dpop.checkToken(request, found, verified);
  }

  private acceptUser(
    verified: VerifiedToken,
    found: ExtractedToken,
    request: AttachableRequest,
  ): VerifiedToken | Promise<VerifiedToken> {
    if (this.eagerLoadUser !== undefined) {
      const loading = loadUserEagerly(this.eagerLoadUser, verified, request);
      if (loading) return loading.then(() => attach(verified, found, request));
    }
    return attach(verified, found, request);
  }

  private rethrow(error: unknown, found: ExtractedToken | undefined): never {
    const refusal = this.refusal(error);
    // A client that sent DPoP is answered in its scheme, whatever the refusal (RFC 9449 section 7.1).
    throw found?.dpop === true && this.dpop !== undefined ? this.dpop.rechallenge(refusal) : refusal;
  }
}

function attach(verified: VerifiedToken, found: ExtractedToken, request: AttachableRequest): VerifiedToken {
  request.user = verified.claims;
  attachVerifiedToken(request, verified, found.location);
  return verified;
}

/**
 * The type whose cookie, CSRF header and JSON key the extractor reads: a route taking several types (access or refresh)
 * reads the first one's.
 */
export function extractionType(policy: TokenPolicy): string {
  const { type } = policy;
  return typeof type === 'string' ? type : (type[0] ?? 'access');
}
