import {
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  UnauthorizedException,
  UseGuards,
  ValidationPipe,
} from '@nestjs/common';
import {
  CurrentClaims,
  CurrentIdentity,
  FreshJwtGuard,
  isFreshToken,
  type JwtClaims,
  Public,
  RefreshJwtGuard,
  RevocationService,
  SessionService,
} from 'nest-jwt-extended';
import { LoginDto } from './login.dto';
import { UserStore } from './user-store.service';

@Controller()
export class AccountController {
  constructor(
    private readonly sessions: SessionService,
    private readonly revocations: RevocationService,
    private readonly users: UserStore,
  ) {}

  @Public() // opens the route under the global guard
  @Post('login')
  @HttpCode(200)
  async login(@Body(new ValidationPipe()) body: LoginDto) {
    const identity = await this.users.verifyCredentials(body.username, body.password);
    if (identity === undefined) {
      throw new UnauthorizedException({ message: 'Bad username or password', code: 'invalid_credentials' });
    }
    // A new session: a fresh access token (credentials were just given) and a refresh token sharing its id.
    const { accessToken, refreshToken } = await this.sessions.start(identity);
    return { access_token: accessToken, refresh_token: refreshToken };
  }

  @UseGuards(RefreshJwtGuard) // a refresh token only; the global guard stands aside
  @Post('refresh')
  @HttpCode(200)
  async refresh(@CurrentClaims() claims: JwtClaims) {
    const { accessToken, refreshToken } = await this.sessions.refresh(claims); // non-fresh, same session
    return { access_token: accessToken, ...(refreshToken && { refresh_token: refreshToken }) };
  }

  @Post('logout') // ends this login: its access and refresh tokens
  @HttpCode(200)
  async logout(@CurrentClaims('sid') sessionId: string) {
    await this.revocations.revokeSession(sessionId);
    return { logged_out: 'session' };
  }

  @Get('protected') // the global guard: any valid access token
  whoAmI(@CurrentClaims() claims: JwtClaims) {
    return { logged_in_as: claims.sub, fresh: isFreshToken(claims) };
  }

  @UseGuards(FreshJwtGuard) // a critical action: only a fresh access token
  @Post('protected-fresh')
  @HttpCode(200)
  criticalAction(@CurrentIdentity() identity: string) {
    return { logged_in_as: identity, fresh: true };
  }
}
