import { BadRequestException, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentClaims, CurrentIdentity, type JwtClaims, SessionService } from 'nest-jwt-extended';

/**
 * The user's logins ("where am I signed in?") and "sign out my other devices". Any valid access token will do; times
 * are epoch seconds, userAgent and ip are what the login recorded (see UserLoginController).
 */
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  async list(@CurrentIdentity() identity: string, @CurrentClaims() claims: JwtClaims) {
    const sessions = await this.sessions.listSessions(identity);
    return {
      sessions: sessions.map((session) => ({
        id: session.sessionId,
        createdAt: session.createdAt,
        lastRefreshedAt: session.lastRefreshedAt ?? null,
        expiresAt: session.expiresAt,
        current: session.sessionId === claims.sid,
        userAgent: session.metadata?.userAgent ?? null,
        ip: session.metadata?.ip ?? null,
      })),
    };
  }

  @Post('revoke-others')
  @HttpCode(200)
  async revokeOthers(@CurrentIdentity() identity: string, @CurrentClaims() claims: JwtClaims) {
    // Tokens minted by SessionService always carry their session; a lone token has no "this device" to keep.
    if (!claims.sid) throw new BadRequestException('This access token belongs to no session');
    return { revoked: await this.sessions.revokeOtherSessions(identity, claims.sid) };
  }
}
