import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule, JwtAuthGuard } from 'nest-jwt-extended';
import { RedisRevocationStore } from 'nest-jwt-extended/redis';
import { AccountController } from './account.controller';
import { PassportController } from './passport.controller';
import { UserStore } from './user-store.service';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    AuthModule.forRootAsync({
      isGlobal: true,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const redisUrl = config.get<string>('REDIS_URL');
        return {
          secret: config.getOrThrow<string>('JWT_SECRET_KEY'), // at least 32 bytes for HS256
          accessTokenExpiresIn: '15m',
          refreshTokenExpiresIn: '30d',
          // Several instances share logouts through Redis; one instance keeps them in memory.
          ...(redisUrl !== undefined && { revocationStore: new RedisRevocationStore({ url: redisUrl }) }),
        };
      },
    }),
  ],
  controllers: [AccountController, PassportController],
  providers: [UserStore, { provide: APP_GUARD, useClass: JwtAuthGuard }],
})
export class AppModule {}
