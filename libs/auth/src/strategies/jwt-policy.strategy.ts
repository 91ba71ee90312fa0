import { Injectable, Optional, type Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { AuthError } from '../errors/auth-error.js';
import { attachVerifiedToken } from '../request/verified-tokens.js';
import { type ExtractableRequest, TokenExtractor } from '../extractors/token-extractor.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { RequestVerifier } from '../guards/request-verifier.js';

/**
 * Builds a passport-jwt strategy registered under `name` that enforces `policy`, for apps that use
 * `AuthGuard(name)` from @nestjs/passport directly; our guards run the same checks without passport's glue.
 * Both paths accept exactly the same tokens because both call `TokenVerifier`: passport-jwt's own step would hand
 * the token to jsonwebtoken, which knows neither EdDSA nor this library's encoding rules (duplicate keys, canonical
 * base64url, `crit`, `kid` lookup), so `authenticate` runs the verifier instead and reports through passport.
 */
export function JwtPolicyStrategy(
  name: string,
  policy: TokenPolicy,
): Type<{ validate(request: object, claims: JwtClaims): JwtClaims }> {
  // The cookie and JSON key read: the first type's when the policy lists several.
  const extractionType = typeof policy.type === 'string' ? policy.type : (policy.type[0] ?? 'access');

  @Injectable()
  class PolicyStrategy extends PassportStrategy(Strategy, name) {
    constructor(
      private readonly extractor: TokenExtractor,
      private readonly verifier: TokenVerifier,
      private readonly revocations: RevocationView,
      @Optional() private readonly requests?: RequestVerifier,
    ) {
      super({
        jwtFromRequest: (request: ExtractableRequest) => extractor.extract(request, extractionType)?.token ?? null,
        // Never asked: authenticate() below picks the key through TokenVerifier, by kid and pinned algorithm.
        secretOrKeyProvider: (_request: unknown, _token: unknown, done: (error: Error) => void) =>
          done(new Error('unused')),
        passReqToCallback: true,
      });
    }

    override authenticate(request: ExtractableRequest): void {
      this.check(request).then(
        (claims) => this.success(claims),
        // Reported as passport's error, not its failure: @nestjs/passport's AuthGuard throws an error as it is (our
        // AuthError: body with `code`, and the WWW-Authenticate challenge through AuthErrorFilter), while a failure
        // becomes a bare 401. So in AuthGuard([a, b]) list this strategy last: an error ends the chain.
        (error: unknown) => this.error(this.verifier.toAuthError(error)),
      );
    }

    private async check(request: ExtractableRequest): Promise<JwtClaims> {
      const found = this.extractor.extract(request, extractionType);
      if (found === undefined) throw AuthError.missing(this.missingMessage(request));
      const verified = await this.verifier.verify(found.token, policy);
      this.extractor.assertCsrf(found, verified.claims);
      // After verification, so an expired or forged token is reported as such, not as revoked.
      await this.revocations.assertNotRevoked(verified);
      await this.requests?.checkClaims(verified); // the verifyClaims option, as the guards apply it
      attachVerifiedToken(request, verified, found.location);
      return this.validate(request, verified.claims);
    }

    /** The user passport puts on the request: the verified claims. */
    private missingMessage(request: ExtractableRequest): string {
      const locations = this.extractor.defaultLocations;
      return locations.length === 1 && locations[0] === 'headers'
        ? 'Missing authorization token'
        : this.extractor.missingMessage(extractionType, locations, request);
    }

    validate(_request: object, claims: JwtClaims): JwtClaims {
      return claims;
    }
  }
  return PolicyStrategy;
}
