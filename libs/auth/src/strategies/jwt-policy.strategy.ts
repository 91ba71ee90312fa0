import { Inject, Injectable, type Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import { EXTRACTED_TOKEN, RESOLVED_AUTH_OPTIONS, VERIFIED_TOKEN } from '../auth.internal-constants.js';
import { HeaderTokenExtractor, type RequestWithHeaders } from '../extractors/header-token.extractor.js';
import type { ResolvedAuthOptions } from '../options/resolved-auth-options.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { RevocationView } from '../revocation/revocation-view.js';
import { TokenVerifier } from '../tokens/token-verifier.js';

type StrategyRequest = RequestWithHeaders & { [EXTRACTED_TOKEN]?: string; [VERIFIED_TOKEN]?: unknown };

/**
 * Builds a passport-jwt strategy registered under `name` that enforces `policy`. passport-jwt verifies the
 * signature with the pinned algorithm and the KeyObject built at start-up; `TokenVerifier` then applies the same
 * claim rules as `TokenService.verifyToken`, so `AuthGuard(name)` and our guards accept exactly the same tokens.
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
        // The guard has already extracted the token; plain AuthGuard(name) users get the same extraction.
        jwtFromRequest: (request: StrategyRequest) => request[EXTRACTED_TOKEN] ?? extractor.extract(request) ?? null,
        secretOrKey: options.verificationKey as unknown as string,
        // passport-jwt overwrites these four jsonWebTokenOptions with its own top-level options, so pass them twice.
        algorithms: [...(verifier.jsonwebtokenOptions.algorithms ?? [])],
        issuer: verifier.jsonwebtokenOptions.issuer as string | undefined,
        audience: verifier.jsonwebtokenOptions.audience as string | undefined,
        ignoreExpiration: false,
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
      Object.defineProperty(request, VERIFIED_TOKEN, { value: verified, configurable: true, writable: true });
      return verified.claims;
    }
  }
  return PolicyStrategy;
}
