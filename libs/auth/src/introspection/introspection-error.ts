import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * A refusal of an introspection request, in the library's shape (`statusCode`, `error`, `message`, `code`): 401
 * `invalid_client` or 400 `invalid_request` (RFC 6749 section 5.2's codes). Internal.
 */
export function introspectionError(
  status: HttpStatus.UNAUTHORIZED | HttpStatus.BAD_REQUEST,
  code: 'invalid_client' | 'invalid_request',
  message: string,
): HttpException {
  const error = status === HttpStatus.UNAUTHORIZED ? 'Unauthorized' : 'Bad Request';
  return new HttpException({ statusCode: status, error, message, code }, status);
}
