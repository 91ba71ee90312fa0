import { createParamDecorator } from '@nestjs/common';
import { verifiedTokenOf } from './verified-token.js';

/**
 * The identity of the verified token (Flask-JWT-Extended's `get_jwt_identity()`): the `sub` claim, or the
 * configured `identityClaim`. `undefined` on an anonymous request to an `@OptionalAuth()` route. A string, unless
 * `verifySub: false`: then the claim's value as it is (`42`, `{ "id": 42 }`), so declare the parameter `unknown`.
 *
 * @example
 * ```ts
 * @UseGuards(JwtAuthGuard)
 * @Get('protected')
 * protected(@CurrentIdentity() identity: string) { return { logged_in_as: identity }; }
 * ```
 */
export const CurrentIdentity = createParamDecorator((_data: unknown, context): unknown => {
  const verified = verifiedTokenOf(context, '@CurrentIdentity()');
  // identityValue is never null (refused), so ?? falls back only when the identity is the string itself.
  return verified?.identityValue ?? verified?.identity;
});
