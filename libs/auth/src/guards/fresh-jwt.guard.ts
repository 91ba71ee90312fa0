import { Injectable } from '@nestjs/common';
import { JWT_FRESH_STRATEGY } from '../auth.constants.js';
import { JwtGuardMixin } from './jwt-guard.mixin.js';

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
export class FreshJwtGuard extends JwtGuardMixin(JWT_FRESH_STRATEGY, { type: 'access', fresh: true }) {}
