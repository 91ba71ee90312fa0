import { Inject, Injectable, type Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { attachVerifiedToken } from '../request/verified-tokens.js';
import { HeaderTokenExtractor, type RequestWithHeaders } from '../extractors/header-token.extractor.js';
import type { ResolvedAuthOptions } from '../options/resolved-auth-options.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { TokenVerifier } from '../tokens/token-verifier.js';

type StrategyRequest = RequestWithHeaders;

/**
 * Builds a passport-jwt strategy registered under `name` that enforces `policy`, for apps that use
 * `AuthGuard(name)` from @nestjs/passport directly (our guards run the same checks without passport's glue).
 * passport-jwt verifies the signature with the pinned algorithm and the KeyObject built at start-up; `TokenVerifier`
 * then applies the same claim, policy and revocation rules, so both paths accept exactly the same tokens.
 */
export function JwtPolicyStrategy(name: string, policy: TokenPolicy): Type<{ validate(request: object, decoded: unknown): Promise<JwtClaims> }> {
  @Injectable()
  class PolicyStrategy extends PassportStrategy(Strategy, name) {
    constructor(
      @Inject(RESOLVED_AUTH_OPTIONS) options: ResolvedAuthOptions,
      extractor: HeaderTokenExtractor,
      private readonly verifier: TokenVerifier,
      private readonly revocations: RevocationView,
    ) {
      const strategyOptions: StrategyOptionsWithRequest = {
        jwtFromRequest: (request: StrategyRequest) => extractor.extract(request) ?? null,
        secretOrKey: options.verificationKey as unknown as string,
        // passport-jwt overwrites these four jsonWebTokenOptions with its own top-level options, so pass them twice.
        algorithms: [...(verifier.jsonwebtokenOptions.algorithms ?? [])],
        issuer: verifier.jsonwebtokenOptions.issuer as string | undefined,
        audience: verifier.jsonwebtokenOptions.audience as string | undefined,
        ignoreExpiration: true, // TokenVerifier.checkClaims judges exp and nbf, as for every other path
        jsonWebTokenOptions: { ...verifier.jsonwebtokenOptions },
        passReqToCallback: true,
      };
      super(strategyOptions);
    }

    async validate(request: StrategyRequest, decoded: unknown): Promise<JwtClaims> {
      const verified = this.verifier.checkClaims(decoded);
      this.verifier.assertPolicy(verified.claims, policy);
      // After verification, so an expired or forged token is reported as such, not as revoked.
      await this.revocations.assertNotRevoked(verified);
      attachVerifiedToken(request, verified);
      return verified.claims;
    }
  }
  return PolicyStrategy;
}
