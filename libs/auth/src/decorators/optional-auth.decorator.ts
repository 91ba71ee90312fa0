import { SetMetadata } from '@nestjs/common';
import { OPTIONAL_AUTH_KEY } from '../auth.constants.js';

/**
 * Flask-JWT-Extended's `@jwt_required(optional=True)`: a request without a token goes through as anonymous
 * (`@CurrentIdentity()` is `undefined`); a bad, expired or wrong-type token is still refused.
 *
 * @example
 * ```ts
 * @OptionalAuth()
 * @UseGuards(JwtAuthGuard)
 * @Get('greeting')
 * greet(@CurrentIdentity() identity?: string) { return { hello: identity ?? 'stranger' }; }
 * ```
 */
export const OptionalAuth = (): MethodDecorator & ClassDecorator => SetMetadata(OPTIONAL_AUTH_KEY, true);
