import { Injectable, type Type } from '@nestjs/common';
import { guardFor } from '../configurations/guard-for.js';
import type { GuardClass } from '../configurations/configured-guard.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { JwtGuard } from './jwt-guard.js';

/**
 * Requires a valid refresh token (`@jwt_required(refresh=True)`); access tokens are refused with
 * `wrong_token_type`. Under a global `JwtAuthGuard` the route needs nothing else: the global guard stands aside.
 *
 * @example
 * ```ts
 * @UseGuards(RefreshJwtGuard)
 * @Post('refresh')
 * refresh(@CurrentIdentity() identity: string) {
 *   return { access_token: this.tokens.createAccessToken(identity) };
 * }
 * ```
 */
@Injectable()
export class RefreshJwtGuard extends JwtGuard {
  protected readonly policy: TokenPolicy = { type: 'refresh' };

  /**
   * This guard on a named configuration (`AuthModule.forRoot({ name: 'partner', ... })`), or on the first of several
   * that accepts the token (`['default', 'partner']`; a refusal is the first one's). `'default'` is the unnamed
   * configuration. Decided once per route, as this guard is; a configuration that does not exist stops the app at
   * start-up, naming it. Called on a subclass, it extends that subclass (which must take the same constructor arguments).
   *
   * @example
   * ```ts
   * @UseGuards(RefreshJwtGuard.for('admin'))
   * @Post('admin/refresh')
   * refresh(@CurrentIdentity() identity: string) { return this.adminTokens.createAccessToken(identity); }
   * ```
   */
  static for(this: GuardClass, configuration: string | readonly string[]): Type<RefreshJwtGuard> {
    return guardFor(this, configuration) as Type<RefreshJwtGuard>;
  }
}
