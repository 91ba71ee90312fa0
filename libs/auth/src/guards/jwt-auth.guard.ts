import { Injectable, type Type } from '@nestjs/common';
import { guardFor } from '../configurations/guard-for.js';
import type { GuardClass } from '../configurations/configured-guard.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { JwtGuard } from './jwt-guard.js';

/**
 * Requires a valid access token, fresh or not (Flask-JWT-Extended's `@jwt_required()`). Use it per route, or
 * globally as `APP_GUARD` with `@Public()` to open a route. Combine with `@OptionalAuth()` for
 * `@jwt_required(optional=True)`.
 *
 * @example
 * ```ts
 * @UseGuards(JwtAuthGuard)
 * @Get('protected')
 * whoAmI(@CurrentIdentity() identity: string) { return { logged_in_as: identity }; }
 *
 * // or, for the whole app:
 * providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }]
 * ```
 */
@Injectable()
export class JwtAuthGuard extends JwtGuard {
  protected readonly policy: TokenPolicy = { type: 'access' };

  /**
   * This guard on a named configuration (`AuthModule.forRoot({ name: 'partner', ... })`), or on the first of several
   * that accepts the token (`['default', 'partner']`; a refusal is the first one's). `'default'` is the unnamed
   * configuration. Decided once per route, as this guard is; a configuration that does not exist stops the app at
   * start-up, naming it. Called on a subclass, it extends that subclass (which must take the same constructor arguments).
   *
   * @example
   * ```ts
   * @UseGuards(JwtAuthGuard.for('partner'))
   * @Get('partner/whoami')
   * whoAmI(@CurrentIdentity() identity: string) { return { identity }; }
   *
   * @UseGuards(JwtAuthGuard.for(['default', 'partner'])) // our tokens or the partner's
   * @Get('any/whoami')
   * anyone(@CurrentConfig() config: string) { return { config }; }
   * ```
   */
  static for(this: GuardClass, configuration: string | readonly string[]): Type<JwtAuthGuard> {
    return guardFor(this, configuration) as Type<JwtAuthGuard>;
  }
}
