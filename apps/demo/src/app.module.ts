import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthModule, IntrospectionController, JwtAuthGuard } from 'nest-jwt-extended';
import { AuthRoutesModule } from 'nest-jwt-extended/routes';
import { authRoutesOptions } from './auth/auth-routes.options.js';
import { LogoutController } from './auth/logout.controller.js';
import { SessionsController } from './auth/sessions.controller.js';
import { TokenRefreshController } from './auth/token-refresh.controller.js';
import { UserLoginController } from './auth/user-login.controller.js';
import { WebSessionController } from './auth/web-session.controller.js';
import { authOptionsFromEnv } from './config/auth-options.factory.js';
import { validateDemoEnv } from './config/demo-env.js';
import { ProtectedController } from './examples/protected.controller.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { JwksController } from './keys/jwks.controller.js';
import { MeController } from './users/me.controller.js';
import { UserStore } from './users/user-store.service.js';
import { UsersModule } from './users/users.module.js';
import { CredentialsLogin } from './auth/credentials-login.service.js';
import { WebPageController } from './web/web-page.controller.js';
import { StepUpController } from './auth/step-up.controller.js';
import { SecondFactor } from './auth/second-factor.service.js';
import { AccountController } from './examples/account.controller.js';
import { partnerModules } from './partner/partner.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateDemoEnv }),
    UsersModule,
    AuthModule.forRootAsync({
      isGlobal: true,
      imports: [UsersModule],
      inject: [ConfigService, UserStore],
      useFactory: authOptionsFromEnv,
    }),
    // The library's ready-made routes at /auth/*, with the demo's credentials check; the controllers below are the
    // worked example of the same routes written by hand.
    AuthRoutesModule.forRootAsync({
      path: 'auth',
      imports: [UsersModule],
      inject: [UserStore],
      useFactory: authRoutesOptions,
    }),
    // GET /partner/whoami, /partner/reports and /any/whoami, when PARTNER_JWKS_URL, PARTNER_ISSUER and PARTNER_AUDIENCE
    // are set (validateDemoEnv wants all three or none).
    ...partnerModules(),
  ],
  controllers: [
    UserLoginController,
    TokenRefreshController,
    LogoutController,
    SessionsController,
    WebSessionController,
    ProtectedController,
    MeController,
    JwksController,
    WebPageController,
    StepUpController,
    AccountController,
    // POST /introspect (RFC 7662), for the clients in INTROSPECTION_CLIENTS.
    IntrospectionController,
  ],
  providers: [
    CredentialsLogin,
    SecondFactor,
    // Secure by default: every route needs an access token unless it is @Public() or names its own JWT guard.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class AppModule {}
