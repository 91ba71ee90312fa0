import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from 'nest-jwt-extended';
import { AccountController } from './account.controller.js';
import { AuditedJwtGuard } from './audited-jwt.guard.js';
import { UserStore } from './user-store.service.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    AuthModule.forRootAsync({
      isGlobal: true,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        secret: config.getOrThrow<string>('JWT_SECRET_KEY'), // at least 32 bytes for HS256
        accessTokenExpiresIn: '15m',
        refreshTokenExpiresIn: '30d',
      }),
    }),
  ],
  controllers: [AccountController],
  providers: [
    UserStore,
    // Secure by default: every route needs a valid access token unless it says otherwise.
    { provide: APP_GUARD, useClass: AuditedJwtGuard },
  ],
})
export class AppModule {}
