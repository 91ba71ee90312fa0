import {
  Body,
  HttpCode,
  Headers,
  HttpException,
  Inject,
  Injectable,
  Ip,
  Post,
  Get,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { CurrentClaims } from '../decorators/current-claims.decorator.js';
import { CurrentIdentity } from '../decorators/current-identity.decorator.js';
import { Public } from '../decorators/public.decorator.js';
import { JwtAuthGuard } from '../guards/jwt-auth.guard.js';
import { RefreshJwtGuard } from '../guards/refresh-jwt.guard.js';
import { OperationDocs } from '../openapi/operation-docs.js';
import { RevocationService } from '../revocation/revocation.service.js';
import { SessionService } from '../sessions/session.service.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { AUTH_ROUTES_OPTIONS, type AuthRoutesOptions } from './auth-routes-options.js';
import { ROUTE_DOCS } from './auth-routes.docs.js';
import { AuthRoutesValidationPipe } from './auth-routes-validation.pipe.js';
import { LoginCredentialsDto } from './login-credentials.dto.js';

/** The longest user agent or address recorded with a session: the client chooses them, the store keeps them. */
const MAX_ORIGIN_LENGTH = 256;

/**
 * The access-token guard of these routes. A class of its own so that an app's global `JwtAuthGuard` stands aside
 * here (a route naming another JWT guard is that guard's) instead of verifying every token twice.
 */
@Injectable()
export class AuthRoutesAccessGuard extends JwtAuthGuard {}

/**
 * The ready-made routes, answering as the demo's worked example does. Mounted through `AuthRoutesModule`, which gives
 * each import a subclass with its own paths; the paths below are the defaults.
 */
export abstract class AuthRoutesController {
  constructor(
    @Inject(AUTH_ROUTES_OPTIONS) private readonly options: AuthRoutesOptions,
    private readonly sessions: SessionService,
    private readonly revocations: RevocationService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @OperationDocs(ROUTE_DOCS.login!)
  async login(
    @Body(AuthRoutesValidationPipe) body: LoginCredentialsDto,
    @Headers('user-agent') userAgent: string | undefined,
    @Ip() ip: string | undefined,
  ) {
    const origin = { ...(userAgent && { userAgent }), ...(ip && { ip }) };
    const user = await this.options.credentials({ username: body.username, password: body.password }, origin);
    if (user === null || user === undefined) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Bad username or password',
        code: 'invalid_credentials',
      });
    }
    const metadata =
      this.options.recordOrigin === false
        ? undefined
        : {
            ...(userAgent && { userAgent: userAgent.slice(0, MAX_ORIGIN_LENGTH) }),
            ...(ip && { ip: ip.slice(0, MAX_ORIGIN_LENGTH) }),
          };
    const { accessToken, refreshToken } = await this.sessions.start(user, {
      fresh: true,
      ...this.options.session,
      ...(metadata && { metadata }),
    });
    return { access_token: accessToken, refresh_token: refreshToken };
  }

  // RefreshJwtGuard makes a global JwtAuthGuard stand aside for this route.
  @UseGuards(RefreshJwtGuard)
  @Post('refresh')
  @HttpCode(200)
  @OperationDocs(ROUTE_DOCS.refresh!)
  async refresh(@CurrentClaims() claims: JwtClaims) {
    const { accessToken, refreshToken } = await this.sessions.refresh(claims);
    return refreshToken === undefined
      ? { access_token: accessToken }
      : { access_token: accessToken, refresh_token: refreshToken };
  }

  @UseGuards(AuthRoutesAccessGuard)
  @Post('logout')
  @HttpCode(200)
  @OperationDocs(ROUTE_DOCS.logout!)
  async logout(@CurrentClaims() claims: JwtClaims) {
    // Tokens minted by SessionService always carry a session; a lone token is revoked by itself.
    if (claims.sid) await this.revocations.revokeSession(claims.sid);
    else await this.revocations.revokeToken(claims);
    return { logged_out: 'session' };
  }

  @UseGuards(AuthRoutesAccessGuard)
  @Post('logout/all')
  @HttpCode(200)
  @OperationDocs(ROUTE_DOCS.logoutAll!)
  async logoutAll(@CurrentIdentity() identity: string) {
    await this.revocations.revokeUser(identity);
    return { logged_out: 'all_sessions' };
  }

  @UseGuards(AuthRoutesAccessGuard)
  @Get('sessions')
  @OperationDocs(ROUTE_DOCS.sessions!)
  async sessionsOfUser(@CurrentIdentity() identity: string, @CurrentClaims() claims: JwtClaims) {
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

  @UseGuards(AuthRoutesAccessGuard)
  @Post('sessions/revoke-others')
  @HttpCode(200)
  @OperationDocs(ROUTE_DOCS.revokeOthers!)
  async revokeOthers(@CurrentIdentity() identity: string, @CurrentClaims() claims: JwtClaims) {
    // A lone token (not minted by SessionService) has no "this device" to keep.
    if (!claims.sid) {
      throw new HttpException(
        {
          statusCode: 400,
          error: 'Bad Request',
          message: 'This access token belongs to no session',
          code: 'session_required',
        },
        400,
      );
    }
    return { revoked: await this.sessions.revokeOtherSessions(identity, claims.sid) };
  }
}
