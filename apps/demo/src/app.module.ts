import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApolloDriver } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { AuthModule, JwtAuthGuard } from 'nest-jwt-extended';
import { SocketAuthenticator } from 'nest-jwt-extended/websockets';
import { RealtimeModule } from './realtime/realtime.module.js';
import { LogoutController } from './auth/logout.controller.js';
import { SessionsController } from './auth/sessions.controller.js';
import { TokenRefreshController } from './auth/token-refresh.controller.js';
import { UserLoginController } from './auth/user-login.controller.js';
import { authOptionsFromEnv } from './config/auth-options.factory.js';
import { validateDemoEnv } from './config/demo-env.js';
import { ProtectedController } from './examples/protected.controller.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { JwksController } from './keys/jwks.controller.js';
import { graphqlOptions } from './graphql/graphql-options.factory.js';
import { MeResolver } from './graphql/me.resolver.js';
import { UserStore } from './users/user-store.service.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateDemoEnv }),
    AuthModule.forRootAsync({ isGlobal: true, inject: [ConfigService], useFactory: authOptionsFromEnv }),
    RealtimeModule,
    GraphQLModule.forRootAsync({
      driver: ApolloDriver,
      imports: [RealtimeModule],
      inject: [SocketAuthenticator],
      useFactory: graphqlOptions,
    }),
  ],
  controllers: [
    UserLoginController,
    TokenRefreshController,
    LogoutController,
    SessionsController,
    ProtectedController,
    JwksController,
  ],
  providers: [
    UserStore,
    MeResolver,
    // Secure by default: every route needs an access token unless it is @Public() or names its own JWT guard.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class AppModule {}
