import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CurrentIdentity, RefreshJwtGuard, TokenService } from 'nest-jwt-extended';

/** A refresh token in, a non-fresh access token for the same identity out. */
@Controller()
export class TokenRefreshController {
  constructor(private readonly tokens: TokenService) {}

  // Naming RefreshJwtGuard here makes the global JwtAuthGuard stand aside for this route.
  @UseGuards(RefreshJwtGuard)
  @Post('refresh')
  @HttpCode(200)
  refresh(@CurrentIdentity() identity: string) {
    return { access_token: this.tokens.createAccessToken(identity, { fresh: false }) };
  }
}
