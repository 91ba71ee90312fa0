import { Body, Controller, HttpCode, Post, UnauthorizedException } from '@nestjs/common';
import { Public, TokenService } from 'nest-jwt-extended';
import { UserStore } from '../users/user-store.service.js';
import { LoginDto } from './login.dto.js';

/** Credentials in, a fresh access token and a refresh token out. */
@Controller()
export class UserLoginController {
  constructor(
    private readonly users: UserStore,
    private readonly tokens: TokenService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() { username, password }: LoginDto) {
    const identity = await this.users.verifyCredentials(username, password);
    if (identity === undefined) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Bad username or password',
        code: 'invalid_credentials',
      });
    }
    return {
      access_token: this.tokens.createAccessToken(identity, { fresh: true }),
      refresh_token: this.tokens.createRefreshToken(identity),
    };
  }
}
