import { createParamDecorator } from '@nestjs/common';
import { isAuthModulePresent } from '../auth-module-presence.js';
import { contextRequestOf } from '../context/context-request.js';
import { authModuleMissing } from '../errors/auth-module-missing.error.js';
import { tokenLocationOfRequest } from '../request/verified-tokens.js';

/**
 * Where the request's verified token came from: `'headers'`, `'cookies'`, `'query_string'` or `'json'`; `undefined`
 * on an `@OptionalAuth()` route called without a token (Flask-JWT-Extended's `get_jwt_request_location()`).
 *
 * @example
 * ```ts
 * @UseGuards(JwtAuthGuard)
 * @Get('whoami')
 * whoami(@CurrentIdentity() identity: string, @CurrentTokenLocation() location: TokenLocation) {
 *   return { identity, location };
 * }
 * ```
 */
export const CurrentTokenLocation = createParamDecorator((_data: unknown, context) => {
  const request = context.getType() === 'http' ? context.getArgByIndex<object>(0) : contextRequestOf(context);
  const location = request === undefined ? undefined : tokenLocationOfRequest(request);
  if (location === undefined && !isAuthModulePresent()) throw authModuleMissing('@CurrentTokenLocation()');
  return location;
});
