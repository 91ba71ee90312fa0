import { createParamDecorator } from '@nestjs/common';
import { verifiedTokenOf } from './verified-token.js';

/**
 * All verified claims of the token (`get_jwt()`), or one of them by name. `undefined` on an anonymous request.
 *
 * @example
 * ```ts
 * @UseGuards(JwtAuthGuard)
 * @Get('me')
 * me(@CurrentClaims() claims: JwtClaims, @CurrentClaims('roles') roles: string[]) { ... }
 * ```
 */
export const CurrentClaims = createParamDecorator((claim: string | undefined, context) => {
  const claims = verifiedTokenOf(context)?.claims;
  return claim === undefined ? claims : claims?.[claim];
});
