import { createParamDecorator } from '@nestjs/common';
import { verifiedTokenOf } from './verified-token.js';

/**
 * The JOSE header of the verified token (`get_jwt_header()`), or one parameter of it by name.
 *
 * @example
 * ```ts
 * @UseGuards(JwtAuthGuard)
 * @Get('kid')
 * kid(@CurrentTokenHeader('kid') kid?: string) { return { kid }; }
 * ```
 */
export const CurrentTokenHeader = createParamDecorator((parameter: string | undefined, context) => {
  const header = verifiedTokenOf(context, '@CurrentTokenHeader()')?.header;
  return parameter === undefined ? header : header?.[parameter];
});
