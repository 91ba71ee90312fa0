import { Body, Controller, Headers, HttpCode, Ip, Post, Res, UnauthorizedException, UseGuards } from '@nestjs/common';
import {
  AuthCookies,
  type CookieResponse,
  CurrentClaims,
  type JwtClaims,
  OptionalAuth,
  Public,
  RefreshJwtGuard,
  RevocationService,
  SessionService,
  TokenLocation,
} from 'nest-jwt-extended';
import { DemoValidationPipe } from '../http/validation.pipe.js';
import { UserStore } from '../users/user-store.service.js';
import { LoginDto } from './login.dto.js';

/** The longest user agent or address recorded with a session. */
const MAX_METADATA_LENGTH = 256;

/**
 * The browser flavour of login, refresh and logout: tokens travel in HttpOnly cookies that scripts cannot read, and
 * every unsafe request sends the readable CSRF cookie's value back as `X-CSRF-TOKEN` (double submit). No token is ever
 * in a response body here.
 */
@Controller('web')
export class WebSessionController {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionService,
    private readonly revocations: RevocationService,
    private readonly cookies: AuthCookies,
  ) {}

  /** Credentials in; four cookies out: the access and refresh tokens (HttpOnly) and their CSRF values (readable). */
  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body(DemoValidationPipe) { username, password }: LoginDto,
    @Headers('user-agent') userAgent: string | undefined,
    @Ip() ip: string | undefined,
    @Res({ passthrough: true }) response: CookieResponse,
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
    const tokens = await this.sessions.start(identity, {
      fresh: true,
      metadata: {
        ...(userAgent && { userAgent: userAgent.slice(0, MAX_METADATA_LENGTH) }),
        ...(ip && { ip: ip.slice(0, MAX_METADATA_LENGTH) }),
      },
    });
    this.cookies.setAuthCookies(response, tokens);
    return { login: true };
  }

  /**
   * The refresh cookie (with `X-CSRF-TOKEN` = the `csrf_refresh_token` cookie) in; a new access cookie out, and new
   * refresh cookies too when rotation is on.
   */
  @TokenLocation('cookies')
  @UseGuards(RefreshJwtGuard)
  @Post('refresh')
  @HttpCode(200)
  async refresh(@CurrentClaims() claims: JwtClaims, @Res({ passthrough: true }) response: CookieResponse) {
    this.cookies.setAuthCookies(response, await this.sessions.refresh(claims));
    return { refresh: true };
  }

  /**
   * Ends the session of the access cookie (CSRF-checked like any unsafe request) and clears all four cookies. Without a
   * token it only clears them, so a browser whose access token has expired can still sign out; a forged cross-site
   * request carries the cookie but not the CSRF header, and is refused.
   */
  @OptionalAuth()
  @TokenLocation('cookies')
  @Post('logout')
  @HttpCode(200)
  async logout(@CurrentClaims() claims: JwtClaims | undefined, @Res({ passthrough: true }) response: CookieResponse) {
    if (claims?.sid) await this.revocations.revokeSession(claims.sid);
    else if (claims) await this.revocations.revokeToken(claims);
    this.cookies.clearAuthCookies(response);
    return { logout: true };
  }
}
