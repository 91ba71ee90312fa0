import { createParamDecorator, type PipeTransform, type Type } from '@nestjs/common';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { verifiedTokenOf } from './verified-token.js';

const currentClaims = createParamDecorator((claim: string | undefined, context) => {
  const claims = verifiedTokenOf(context, '@CurrentClaims()')?.claims;
  return claim === undefined ? claims : claims?.[claim];
});

/**
 * All verified claims of the token (`get_jwt()`), or one of them by name. `undefined` on an anonymous request.
 * `T` names the claims your tokens carry, for the reader: a parameter decorator cannot type the parameter itself.
 *
 * @example
 * ```ts
 * interface AppClaims extends JwtClaims { roles: string[] }
 *
 * @Get('me')
 * me(@CurrentClaims<AppClaims>() claims: AppClaims, @CurrentClaims<AppClaims>('roles') roles: string[]) { ... }
 * ```
 */
export function CurrentClaims<T extends JwtClaims = JwtClaims>(
  claim?: keyof T & string,
  ...pipes: Array<PipeTransform | Type<PipeTransform>>
): ParameterDecorator {
  return currentClaims(claim, ...pipes);
}
