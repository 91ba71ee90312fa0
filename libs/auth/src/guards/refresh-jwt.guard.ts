import { Injectable } from '@nestjs/common';
import { JWT_REFRESH_STRATEGY } from '../auth.constants.js';
import { JwtGuardMixin } from './jwt-guard.mixin.js';

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
export class RefreshJwtGuard extends JwtGuardMixin(JWT_REFRESH_STRATEGY, { type: 'refresh' }) {}
