import { createParamDecorator } from '@nestjs/common';
import { verifiedTokenOf } from './verified-token.js';

/**
 * The identity of the verified token (Flask-JWT-Extended's `get_jwt_identity()`): the `sub` claim, or the
 * configured `identityClaim`. `undefined` on an anonymous request to an `@OptionalAuth()` route.
 *
 * @example
 * ```ts
 * @UseGuards(JwtAuthGuard)
 * @Get('protected')
 * protected(@CurrentIdentity() identity: string) { return { logged_in_as: identity }; }
 * ```
 */
export const CurrentIdentity = createParamDecorator(
  (_data: unknown, context) => verifiedTokenOf(context, '@CurrentIdentity()')?.identity,
);
