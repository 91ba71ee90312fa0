import { Injectable } from '@nestjs/common';
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
}
