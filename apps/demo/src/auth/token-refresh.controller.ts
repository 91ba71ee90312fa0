import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CurrentClaims, type JwtClaims, RefreshJwtGuard, SessionService } from 'nest-jwt-extended';

/**
 * A refresh token in, a non-fresh access token for the same session out; with rotation on
 * (JWT_ROTATE_REFRESH_TOKENS=true), a new refresh token too, and the one presented is used up.
 */
@Controller()
export class TokenRefreshController {
  constructor(private readonly sessions: SessionService) {}

  // Naming RefreshJwtGuard here makes the global JwtAuthGuard stand aside for this route.
  @UseGuards(RefreshJwtGuard)
  @Post('refresh')
  @HttpCode(200)
  async refresh(@CurrentClaims() claims: JwtClaims) {
    // A bound refresh token came with a proof of its key (the guard checked it); the new tokens keep that binding.
    const { accessToken, refreshToken, tokenType } = await this.sessions.refresh(claims);
    return {
      access_token: accessToken,
      ...(refreshToken !== undefined && { refresh_token: refreshToken }),
      ...(tokenType === 'DPoP' && { token_type: tokenType }),
    };
  }
}
