import { Injectable, type Type } from '@nestjs/common';
import type { TokenPolicy } from '../tokens/token-policy.js';
import { JwtGuard } from './jwt-guard.js';

const made = new Map<string, Type<JwtGuard>>();

/**
 * Guards for tokens of your own types (`tokenTypes` option, minted with `TokenService.createToken`): a password reset,
 * an email verification, an MFA step. `TokenTypeGuard.for(type)` accepts only that type; access and refresh tokens
 * are refused there (401 `wrong_token_type`), and tokens of that type are refused everywhere else. The same class is
 * returned for the same type, so Nest builds it once.
 *
 * @example
 * ```ts
 * // AuthModule.forRoot({ secret, tokenTypes: ['password_reset'] })
 * @UseGuards(TokenTypeGuard.for('password_reset'))
 * @Post('reset-password')
 * reset(@CurrentIdentity() identity: string, @Body() body: NewPasswordDto) { ... }
 *
 * // or a class of your own:
 * @Injectable()
 * export class PasswordResetGuard extends JwtGuard {
 *   protected readonly policy: TokenPolicy = { type: 'password_reset' };
 * }
 * ```
 */
export abstract class TokenTypeGuard extends JwtGuard {
  /** The guard class that accepts tokens of `type` only. */
  static for(type: string): Type<JwtGuard> {
    if (typeof type !== 'string' || type.length === 0 || type === 'access' || type === 'refresh') {
      throw new TypeError(
        'nest-jwt-extended: TokenTypeGuard.for takes one of your tokenTypes; use JwtAuthGuard or RefreshJwtGuard',
      );
    }
    let guard = made.get(type);
    if (guard === undefined) {
      @Injectable()
      class ForTokenType extends JwtGuard {
        protected readonly policy: TokenPolicy = { type };
      }
      Object.defineProperty(ForTokenType, 'name', { value: `TokenTypeGuard(${type})` });
      made.set(type, (guard = ForTokenType));
    }
    return guard;
  }
}
