import { Injectable } from '@nestjs/common';
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
}
