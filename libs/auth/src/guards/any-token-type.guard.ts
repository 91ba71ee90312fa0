import { Injectable } from '@nestjs/common';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { JwtGuard } from './jwt-guard.js';

/**
 * Accepts an access or a refresh token (Flask-JWT-Extended's `verify_type=False`): a logout route, say, that takes
 * whichever token the client holds. Tokens of your own `tokenTypes` are still refused here.
 *
 * @example
 * ```ts
 * @UseGuards(AccessOrRefreshJwtGuard)
 * @Post('logout')
 * async logout(@CurrentClaims() claims: JwtClaims) { await this.revocations.revokeSession(sessionIdOf(claims)); }
 * ```
 */
@Injectable()
export class AccessOrRefreshJwtGuard extends JwtGuard {
  protected readonly policy: TokenPolicy = { type: ['access', 'refresh'] };
}
