import { Injectable } from '@nestjs/common';
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
}
