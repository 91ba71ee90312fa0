import { Controller, Get } from '@nestjs/common';
import { CurrentUser } from 'nest-jwt-extended';
import type { DemoUser } from './user-store.service.js';

/** The signed-in user, loaded by the user loader (the `loadUser` option, see auth-options.factory.ts). */
@Controller()
export class MeController {
  /** Any access token (the global guard); a valid token whose identity has no user: 401 `user_not_found`. */
  @Get('me')
  me(@CurrentUser() user: DemoUser) {
    return { username: user.username, roles: user.roles };
  }
}
