import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { CurrentIdentity, JWT_ACCESS_STRATEGY, Public } from 'nest-jwt-extended';

/**
 * A route guarded by @nestjs/passport's own `AuthGuard('jwt-access')`: the library registers that strategy by itself
 * because @nestjs/passport, passport and passport-jwt are installed.
 */
@Controller('passport')
export class PassportController {
  @Public() // sets the global JwtAuthGuard aside; AuthGuard decides here
  @UseGuards(AuthGuard(JWT_ACCESS_STRATEGY))
  @Get()
  whoAmI(@CurrentIdentity() identity: string) {
    return { logged_in_as: identity, guard: 'passport' };
  }
}
