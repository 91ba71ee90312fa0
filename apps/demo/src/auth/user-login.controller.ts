import { Body, Controller, Headers, HttpCode, Ip, Post, UnauthorizedException } from '@nestjs/common';
import { Public, SessionService } from 'nest-jwt-extended';
import { DemoValidationPipe } from '../http/validation.pipe.js';
import { UserStore } from '../users/user-store.service.js';
import { LoginDto } from './login.dto.js';

/** The longest user agent or address recorded with a session: the client chooses them, the store keeps them. */
const MAX_METADATA_LENGTH = 256;

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
  async login(
    @Body(DemoValidationPipe) { username, password }: LoginDto,
    @Headers('user-agent') userAgent: string | undefined,
    @Ip() ip: string | undefined,
  ) {
    const identity = await this.users.verifyCredentials(username, password);
    if (identity === undefined) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Bad username or password',
        code: 'invalid_credentials',
      });
    }
    // A new session: a fresh access token and a refresh token that share its id. The user agent and IP are recorded
    // with it, so GET /sessions can show the user where they are signed in.
    const { accessToken, refreshToken } = await this.sessions.start(identity, {
      fresh: true,
      metadata: {
        ...(userAgent && { userAgent: userAgent.slice(0, MAX_METADATA_LENGTH) }),
        ...(ip && { ip: ip.slice(0, MAX_METADATA_LENGTH) }),
      },
    });
    return { access_token: accessToken, refresh_token: refreshToken };
  }
}
