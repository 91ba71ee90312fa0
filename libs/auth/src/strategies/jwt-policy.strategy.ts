import { Injectable, Optional, type Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { AuthError } from '../errors/auth-error.js';
import { attachVerifiedToken } from '../request/verified-tokens.js';
import { HeaderTokenExtractor, type RequestWithHeaders } from '../extractors/header-token.extractor.js';
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
  @Injectable()
  class PolicyStrategy extends PassportStrategy(Strategy, name) {
    constructor(
      private readonly extractor: HeaderTokenExtractor,
      private readonly verifier: TokenVerifier,
      private readonly revocations: RevocationView,
      @Optional() private readonly requests?: RequestVerifier,
    ) {
      super({
        jwtFromRequest: (request: RequestWithHeaders) => extractor.extract(request) ?? null,
        // Never asked: authenticate() below picks the key through TokenVerifier, by kid and pinned algorithm.
        secretOrKeyProvider: (_request: unknown, _token: unknown, done: (error: Error) => void) =>
          done(new Error('unused')),
        passReqToCallback: true,
      });
    }

    override authenticate(request: RequestWithHeaders): void {
      this.check(request).then(
        (claims) => this.success(claims),
        // Reported as passport's error, not its failure: @nestjs/passport's AuthGuard throws an error as it is (our
        // AuthError: body with `code`, and the WWW-Authenticate challenge through AuthErrorFilter), while a failure
        // becomes a bare 401. So in AuthGuard([a, b]) list this strategy last: an error ends the chain.
        (error: unknown) => this.error(this.verifier.toAuthError(error)),
      );
    }

    private async check(request: RequestWithHeaders): Promise<JwtClaims> {
      const token = this.extractor.extract(request);
      if (token === undefined) throw AuthError.missing('Missing authorization token');
      const verified = await this.verifier.verify(token, policy);
      // After verification, so an expired or forged token is reported as such, not as revoked.
      await this.revocations.assertNotRevoked(verified);
      await this.requests?.checkClaims(verified); // the verifyClaims option, as the guards apply it
      attachVerifiedToken(request, verified);
      return this.validate(request, verified.claims);
    }

    /** The user passport puts on the request: the verified claims. */
    validate(_request: object, claims: JwtClaims): JwtClaims {
      return claims;
    }
  }
  return PolicyStrategy;
}
