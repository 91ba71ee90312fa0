import { Body, Controller, Headers, HttpCode, Ip, Post } from '@nestjs/common';
import { Public, ThrottleLogin } from 'nest-jwt-extended';
import { DemoValidationPipe } from '../http/validation.pipe.js';
import { CredentialsLogin } from './credentials-login.service.js';
import { LoginDto } from './login.dto.js';

/** Credentials in, a fresh access token and a refresh token (one new session) out. */
@Controller()
export class UserLoginController {
  constructor(private readonly credentials: CredentialsLogin) {}

  @Public()
  // 429 too_many_attempts before the password is hashed: 5 failures per username, 100 per address, in 15 minutes.
  @ThrottleLogin()
  @Post('login')
  @HttpCode(200)
  // Validation is bound to the body that needs it, not registered globally: Nest runs every global pipe on every
  // custom parameter decorator too (@CurrentIdentity() included), which costs each guarded request (README, Performance).
  async login(
    @Body(DemoValidationPipe) body: LoginDto,
    @Headers('user-agent') userAgent: string | undefined,
    @Ip() ip: string | undefined,
  ) {
    // The user agent and IP are recorded with the session, so GET /sessions can show the user where they are signed in.
    const { accessToken, refreshToken } = await this.credentials.login(body, { userAgent, ip });
    return { access_token: accessToken, refresh_token: refreshToken };
  }
}
