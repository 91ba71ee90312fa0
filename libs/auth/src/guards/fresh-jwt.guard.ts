import { Injectable, type Type } from '@nestjs/common';
import { guardFor } from '../configurations/guard-for.js';
import type { GuardClass } from '../configurations/configured-guard.js';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { JwtGuard } from './jwt-guard.js';

/**
 * Requires a fresh access token (`@jwt_required(fresh=True)`): one created with `fresh: true`, or with a
 * fresh window that has not closed. Others get 401 `fresh_token_required` with
 * `WWW-Authenticate: Bearer error="insufficient_user_authentication"` (RFC 9470).
 *
 * @example
 * ```ts
 * @UseGuards(FreshJwtGuard)
 * @Delete('account')
 * deleteAccount(@CurrentIdentity() identity: string) { ... }
 * ```
 */
@Injectable()
export class FreshJwtGuard extends JwtGuard {
  protected readonly policy: TokenPolicy = { type: 'access', fresh: true };

  /**
   * This guard on a named configuration (`AuthModule.forRoot({ name: 'partner', ... })`), or on the first of several
   * that accepts the token (`['default', 'partner']`; a refusal is the first one's). `'default'` is the unnamed
   * configuration. Decided once per route, as this guard is; a configuration that does not exist stops the app at
   * start-up, naming it. Called on a subclass, it extends that subclass (which must take the same constructor arguments).
   *
   * @example
   * ```ts
   * @UseGuards(FreshJwtGuard.for('admin'))
   * @Post('admin/critical')
   * critical(@CurrentIdentity() identity: string) { return { identity }; }
   * ```
   */
  static for(this: GuardClass, configuration: string | readonly string[]): Type<FreshJwtGuard> {
    return guardFor(this, configuration) as Type<FreshJwtGuard>;
  }
}
