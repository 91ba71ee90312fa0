import { Body, Controller, Headers, HttpCode, Ip, Post, Req } from '@nestjs/common';
import { DpopService, type DpopRequest, Public, ThrottleLogin } from 'nest-jwt-extended';
import { DemoValidationPipe } from '../http/validation.pipe.js';
import { CredentialsLogin } from './credentials-login.service.js';
import { LoginDto } from './login.dto.js';

/**
 * Credentials in, a fresh access token and a refresh token (one new session) out. With a `DPoP` proof (htm POST, htu
 * this route's URL), both are bound to the proof's key and the answer says `"token_type": "DPoP"`.
 */
@Controller()
export class UserLoginController {
  constructor(
    private readonly credentials: CredentialsLogin,
    private readonly dpop: DpopService,
  ) {}

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
    @Req() request: DpopRequest,
  ) {
    // The proof first: a bad one is refused before the password is hashed. Undefined without a DPoP header.
    const dpopJkt = await this.dpop.keyOf(request);
    // The user agent and IP are recorded with the session, so GET /sessions can show the user where they are signed in.
    const { accessToken, refreshToken, tokenType } = await this.credentials.login(body, { userAgent, ip }, { dpopJkt });
    // token_type only for bound tokens: a bearer login answers exactly as it always has.
    return tokenType === 'DPoP'
      ? { access_token: accessToken, refresh_token: refreshToken, token_type: tokenType }
      : { access_token: accessToken, refresh_token: refreshToken };
  }
}
