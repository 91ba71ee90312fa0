import { Injectable, type Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { toAuthError } from '../errors/auth-error.js';
import { type ExtractableRequest, TokenExtractor } from '../extractors/token-extractor.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import type { TokenDemand } from '../verification/token-demand.js';
import { extractionType, VerificationPipeline } from '../verification/verification-pipeline.js';

/**
 * Builds a passport-jwt strategy registered under `name` that enforces `policy`, for apps that use
 * `AuthGuard(name)` from @nestjs/passport directly; our guards run the same checks without passport's glue.
 * Both paths accept exactly the same tokens because both run the {@link VerificationPipeline}: passport-jwt's own step
 * would hand the token to jsonwebtoken, which knows neither EdDSA nor this library's encoding rules (duplicate keys, canonical
 * base64url, `crit`, `kid` lookup), so `authenticate` runs the verifier instead and reports through passport.
 */
export function JwtPolicyStrategy(
  name: string,
  policy: TokenPolicy,
): Type<{ validate(request: object, claims: JwtClaims): JwtClaims }> {
  // The module's token locations, as a guard without @TokenLocation() reads them.
  const demand: TokenDemand = { policy };

  @Injectable()
  class PolicyStrategy extends PassportStrategy(Strategy, name) {
    constructor(
      private readonly pipeline: VerificationPipeline,
      extractor: TokenExtractor,
    ) {
      super({
        jwtFromRequest: (request: ExtractableRequest) =>
          extractor.extract(request, extractionType(policy))?.token ?? null,
        // Never asked: authenticate() below picks the key through TokenVerifier, by kid and pinned algorithm.
        secretOrKeyProvider: (_request: unknown, _token: unknown, done: (error: Error) => void) =>
          done(new Error('unused')),
        passReqToCallback: true,
      });
    }

    /** Runs the library's verification pipeline instead of passport-jwt's, and reports through passport. */
    override authenticate(request: ExtractableRequest): void {
      this.check(request).then(
        (claims) => this.success(claims),
        // Reported as passport's error, not its failure: @nestjs/passport's AuthGuard throws an error as it is (our
        // AuthError: body with `code`, and the WWW-Authenticate challenge through AuthErrorFilter), while a failure
        // becomes a bare 401. So in AuthGuard([a, b]) list this strategy last: an error ends the chain.
        (error: unknown) => this.error(toAuthError(error)),
      );
    }

    private async check(request: ExtractableRequest): Promise<JwtClaims> {
      // Not optional: a request without a token is refused, so a token is there when the pipeline answers.
      const verified = await this.pipeline.verify(request, demand);
      return this.validate(request, verified!.claims);
    }

    /** The user passport puts on the request: the verified claims. */
    validate(_request: object, claims: JwtClaims): JwtClaims {
      return claims;
    }
  }
  return PolicyStrategy;
}
