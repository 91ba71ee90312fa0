import { Body, Controller, Headers, HttpCode, Ip, Post, Res, UseGuards } from '@nestjs/common';
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
  ThrottleLogin,
  TokenLocation,
} from 'nest-jwt-extended';
import { DemoValidationPipe } from '../http/validation.pipe.js';
import { CredentialsLogin } from './credentials-login.service.js';
import { WebLoginDto } from './web-login.dto.js';

/** The claim that carries the "remember me" choice from login to every refresh of the session. */
const REMEMBER_CLAIM = 'remember';

/**
 * The browser flavour of login, refresh and logout: tokens travel in HttpOnly cookies that scripts cannot read, and
 * every unsafe request sends the readable CSRF cookie's value back as `X-CSRF-TOKEN` (double submit). No token is ever
 * in a response body here.
 */
@Controller('web')
export class WebSessionController {
  constructor(
    private readonly credentials: CredentialsLogin,
    private readonly sessions: SessionService,
    private readonly revocations: RevocationService,
    private readonly cookies: AuthCookies,
  ) {}

  /**
   * Credentials in; four cookies out: the access and refresh tokens (HttpOnly) and their CSRF values (readable). Session
   * cookies, unless `remember: true`: then they last as long as their tokens (the refresh cookie, the refresh lifetime).
   */
  @Public()
  // 429 too_many_attempts before the password is hashed: 5 failures per username, 100 per address, in 15 minutes.
  @ThrottleLogin()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body(DemoValidationPipe) { remember, ...body }: WebLoginDto,
    @Headers('user-agent') userAgent: string | undefined,
    @Ip() ip: string | undefined,
    @Res({ passthrough: true }) response: CookieResponse,
  ) {
    // The choice rides in the tokens (claims are carried on refresh), so /web/refresh keeps the cookies' kind.
    const claims = remember === true ? { [REMEMBER_CLAIM]: true } : undefined;
    const tokens = await this.credentials.login(body, { userAgent, ip }, { claims });
    this.cookies.setAuthCookies(response, tokens, remember === true ? undefined : { session: true });
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
    const lifetime = claims[REMEMBER_CLAIM] === true ? undefined : { session: true };
    this.cookies.setAuthCookies(response, await this.sessions.refresh(claims), lifetime);
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
