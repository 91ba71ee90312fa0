import { Injectable } from '@nestjs/common';
import { JWT_ACCESS_STRATEGY } from '../auth.constants.js';
import { JwtGuardMixin } from './jwt-guard.mixin.js';

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
export class JwtAuthGuard extends JwtGuardMixin(JWT_ACCESS_STRATEGY, { type: 'access' }) {}
