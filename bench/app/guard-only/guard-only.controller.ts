import { Controller, Get } from '@nestjs/common';

/**
 * GET /public's handler behind the demo's global JwtAuthGuard: the same response, no parameter decorators, so its
 * ratio to GET /public is the guard's cost alone. GET /protected adds the handler's two parameter decorators.
 */
@Controller('bench')
export class GuardOnlyController {
  @Get('guarded-hello')
  hello() {
    return { hello: 'world' };
  }
}
