import { createParamDecorator } from '@nestjs/common';
import { verifiedTokenOf } from '../decorators/verified-token.js';
import { configurationOf } from './token-configuration.js';

/**
 * The name of the configuration that accepted the request's token: a named configuration's `name`, or `'default'`
 * for the unnamed one; `undefined` on an anonymous request (`@OptionalAuth()`). Most useful behind a guard that
 * accepts several (`JwtAuthGuard.for(['default', 'partner'])`). Works in controllers, resolvers and gateways.
 *
 * @example
 * ```ts
 * @UseGuards(JwtAuthGuard.for(['default', 'partner']))
 * @Get('any/whoami')
 * whoami(@CurrentConfig() config: string, @CurrentIdentity() identity: string) {
 *   return { config, identity };
 * }
 * ```
 */
export const CurrentConfig = createParamDecorator((_data: unknown, context): string | undefined => {
  const verified = verifiedTokenOf(context, '@CurrentConfig()');
  return verified === undefined ? undefined : configurationOf(verified);
});
