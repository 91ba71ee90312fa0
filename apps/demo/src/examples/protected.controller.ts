import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  CurrentClaims,
  CurrentIdentity,
  FreshJwtGuard,
  isFreshToken,
  type JwtClaims,
  OptionalAuth,
  Public,
} from 'nest-jwt-extended';

/** Routes that show each kind of protection. The global JwtAuthGuard (see AppModule) covers the rest. */
@Controller()
export class ProtectedController {
  /** Any valid access token, fresh or not: the global guard is enough. */
  @Get('protected')
  whoAmI(@CurrentIdentity() identity: string, @CurrentClaims() claims: JwtClaims) {
    // `roles` is the demo's claims loader at work (auth-options.factory.ts): in every access token, refreshed ones too.
    return { logged_in_as: identity, fresh: isFreshToken(claims), roles: claims.roles ?? [] };
  }

  /** A critical action: only a fresh access token, i.e. one obtained with credentials. */
  @UseGuards(FreshJwtGuard)
  @Post('protected-fresh')
  @HttpCode(200)
  criticalAction(@CurrentIdentity() identity: string) {
    return { logged_in_as: identity, fresh: true };
  }

  /** Anonymous without a token, identified with a good one; a bad token is still refused. */
  @OptionalAuth()
  @Get('optional')
  greet(@CurrentIdentity() identity?: string) {
    return { logged_in_as: identity ?? null };
  }

  /** No token needed: the baseline for benchmarks. */
  @Public()
  @Get('public')
  hello() {
    return { hello: 'world' };
  }
}
