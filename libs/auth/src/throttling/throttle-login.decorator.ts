import { UseInterceptors } from '@nestjs/common';
import { ThrottleLoginInterceptor } from './throttle-login.interceptor.js';

/**
 * Throttles a login route: per username and per client address, checked before the handler runs, so a throttled
 * attempt costs no password hash (see `LoginThrottle`). The handler's 401 is a failure, its return a success. Needs
 * `AuthModule` in scope; configure it with the `loginThrottle` option.
 *
 * @example
 * ```ts
 * @Public()
 * @ThrottleLogin()
 * @Post('login')
 * login(@Body() body: LoginDto) { ... }
 * ```
 */
export function ThrottleLogin(): MethodDecorator & ClassDecorator {
  return UseInterceptors(ThrottleLoginInterceptor);
}
