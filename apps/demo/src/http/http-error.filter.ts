import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthError, AuthErrorResponder, GraphQLAuthError } from 'nest-jwt-extended';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/**
 * Gives every error response of the demo the same shape as the library's refusals: a JSON body with a stable
 * `code`. Parser messages are replaced, because Node's JSON errors quote the body (and so the password).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly refusals: AuthErrorResponder,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // A catch-all filter also sees GraphQL resolvers' errors: those are answered by GraphQL, never through the
    // HTTP response (a refusal as a GraphQL error with its code, everything else as GraphQL reports it).
    if (host.getType() !== 'http') throw exception instanceof AuthError ? new GraphQLAuthError(exception) : exception;
    const response = host.switchToHttp().getResponse();
    // A catch-all filter runs instead of the library's AuthErrorFilter, so it sends the challenge itself.
    // (a 403 insufficient_scope carries one too, RFC 6750 section 3.1).
    if (exception instanceof AuthError && (exception.getStatus() === 401 || exception.getStatus() === 403)) {
      this.adapterHost.httpAdapter.setHeader(response, 'WWW-Authenticate', exception.challenge);
      if (exception.dpopNonce !== undefined)
        this.adapterHost.httpAdapter.setHeader(response, 'DPoP-Nonce', exception.dpopNonce);
    }
    // ... and the Retry-After of a 429 (login throttle) or a 503 (Redis down).
    if (exception instanceof AuthError && exception.retryAfter !== undefined) {
      this.adapterHost.httpAdapter.setHeader(response, 'Retry-After', String(exception.retryAfter));
    }
    // ... and answers refusals in the configured errorFormat (JWT_ERROR_FORMAT=flask: Flask-JWT-Extended's).
    const { status, body } =
      exception instanceof AuthError && this.refusals.customised
        ? this.refusals.respond(exception)
        : this.describe(exception);
    this.adapterHost.httpAdapter.reply(response, body, status);
  }

  private describe(exception: unknown): { status: number; body: Record<string, unknown> } {
    const status = statusOf(exception);
    // An HttpException chose its status (a 503 from the revocation store is deliberate); anything else is a bug.
    if (status === undefined || (status >= 500 && !(exception instanceof HttpException))) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      return {
        status: 500,
        body: {
          statusCode: 500,
          error: 'Internal Server Error',
          message: 'Internal server error',
          code: 'internal_error',
        },
      };
    }
    const code = CODES[status] ?? `http_${status}`;
    if (isBodyParseError(exception)) {
      return {
        status,
        body: {
          statusCode: status,
          error: 'Bad Request',
          message: 'Request body must be a JSON object',
          code: 'invalid_json',
        },
      };
    }
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const body: Record<string, unknown> =
        typeof response === 'object' ? { ...response } : { statusCode: status, message: response };
      return {
        status,
        body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', ...body, code: body.code ?? code },
      };
    }
    const error = STATUS_CODES[status] ?? 'Error';
    return { status, body: { statusCode: status, error, message: error, code } };
  }
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  // Errors from Express' body parser and Fastify's content-type parser carry their status.
  const status =
    (exception as { status?: unknown; statusCode?: unknown })?.statusCode ??
    (exception as { status?: unknown })?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function isBodyParseError(exception: unknown): boolean {
  const error = exception as { type?: unknown; code?: unknown; cause?: unknown } | undefined;
  if (error === undefined || error === null) return false;
  return (
    exception instanceof SyntaxError ||
    error.type === 'entity.parse.failed' ||
    error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    // Nest wraps the platform's parser error in a BadRequestException.
    (exception instanceof HttpException && isBodyParseError(error.cause))
  );
}
