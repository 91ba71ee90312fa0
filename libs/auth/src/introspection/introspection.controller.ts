import { Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Public } from '../decorators/public.decorator.js';
import { introspectionError } from './introspection-error.js';
import type { IntrospectionResponse } from './introspection-response.js';
import { IntrospectionService } from './introspection.service.js';

/** What the controller reads of the request, on Express and Fastify alike. */
interface IntrospectionRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * RFC 7662 token introspection at `POST /introspect`: list it in a module's `controllers` (with `AuthModule`'s
 * `introspection.clients` set) to serve it. The client authenticates with HTTP Basic; the body is
 * `application/x-www-form-urlencoded` `token=...` (and `token_type_hint`, optional). Answers 200 `{ "active": ... }`,
 * 401 `invalid_client` (with `WWW-Authenticate: Basic`), 400 `invalid_request`, always with `Cache-Control: no-store`.
 * `@Public()`, so a global `JwtAuthGuard` stands aside. Another path: call `IntrospectionService` from a controller of
 * your own.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [AuthModule.forRoot({ secret, introspection: { clients: [{ id: 'gateway', secret: gatewaySecret }] } })],
 *   controllers: [IntrospectionController],
 * })
 * export class AppModule {}
 * ```
 */
@Public()
@Controller()
export class IntrospectionController {
  constructor(
    private readonly introspection: IntrospectionService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** One introspection request: client authentication first, then the form body. */
  @Post('introspect')
  @HttpCode(200)
  async introspect(
    @Req() request: IntrospectionRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<IntrospectionResponse> {
    const adapter = this.adapterHost.httpAdapter;
    // On every answer, refusals included: an introspection answer is about a live credential (RFC 7662 section 2.2).
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    adapter.setHeader(response, 'Pragma', 'no-cache');
    let clientId: string;
    try {
      clientId = this.introspection.authenticate(request.headers.authorization);
    } catch (error) {
      adapter.setHeader(response, 'WWW-Authenticate', 'Basic realm="introspection", charset="UTF-8"');
      throw error;
    }
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || !FORM.test(type)) {
      throw introspectionError(
        HttpStatus.BAD_REQUEST,
        'invalid_request',
        'The request body must be application/x-www-form-urlencoded',
      );
    }
    return this.introspection.introspect(clientId, request.body);
  }
}
