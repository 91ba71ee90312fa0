import { Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentClaims, CurrentIdentity, type JwtClaims, RevocationService } from 'nest-jwt-extended';

/** Logout ends this login's session; logout/all ends every session of the user. Any valid access token will do. */
@Controller('logout')
export class LogoutController {
  constructor(private readonly revocations: RevocationService) {}

  @Post()
  @HttpCode(200)
  async logout(@CurrentClaims() claims: JwtClaims) {
    // Tokens minted by SessionService always carry a session; a lone token is revoked by itself.
    if (claims.sid) await this.revocations.revokeSession(claims.sid);
    else await this.revocations.revokeToken(claims);
    return { logged_out: 'session' };
  }

  @Post('all')
  @HttpCode(200)
  async logoutEverywhere(@CurrentIdentity() identity: string) {
    await this.revocations.revokeUser(identity);
    return { logged_out: 'all_sessions' };
  }
}
