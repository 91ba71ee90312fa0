import { Body, Controller, HttpCode, Post, UnauthorizedException } from '@nestjs/common';
import { Public, SessionService } from 'nest-jwt-extended';
import { DemoValidationPipe } from '../http/validation.pipe.js';
import { UserStore } from '../users/user-store.service.js';
import { LoginDto } from './login.dto.js';

/** Credentials in, a fresh access token and a refresh token (one new session) out. */
@Controller()
export class UserLoginController {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  // Validation is bound to the body that needs it, not registered globally: Nest runs every global pipe on every
  // custom parameter decorator too (@CurrentIdentity() included), which costs each guarded request (README, Performance).
  async login(@Body(DemoValidationPipe) { username, password }: LoginDto) {
    const identity = await this.users.verifyCredentials(username, password);
    if (identity === undefined) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Bad username or password',
        code: 'invalid_credentials',
      });
    }
    // A new session: a fresh access token and a refresh token that share its id.
    const { accessToken, refreshToken } = await this.sessions.start(identity, { fresh: true });
    return { access_token: accessToken, refresh_token: refreshToken };
  }
}
