import { AuthErrorCode } from '../errors/auth-error-code.js';

/** The codes answered with 503: the state a decision needs could not be read in time. */
const UNAVAILABLE_CODES: readonly string[] = [AuthErrorCode.RevocationUnavailable, AuthErrorCode.KeySetUnavailable];
const ALL_CODES: readonly string[] = Object.values(AuthErrorCode);
/** The codes answered with 401: everything a token, its absence or its user can be refused for. */
const UNAUTHORIZED_CODES = ALL_CODES.filter((code) => !UNAVAILABLE_CODES.includes(code));

/** A response object of OpenAPI 3, as much of it as this file writes. */
export interface AuthResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: { type: string } }>;
  content?: { 'application/json': { schema: Record<string, unknown> } };
}

/** The body of a refusal in the default error format, with the `code` values of one status. */
function refusalSchema(status: number, codes: readonly string[]): Record<string, unknown> {
  return {
    type: 'object',
    required: ['statusCode', 'error', 'message', 'code'],
    properties: {
      statusCode: { type: 'integer', enum: [status] },
      error: { type: 'string' },
      message: { type: 'string', description: 'For people; may be reworded. Branch on `code`.' },
      code: { type: 'string', enum: [...codes], description: 'Stable: `AuthErrorCode`.' },
    },
  };
}

/**
 * The 401 and 503 responses of a guarded route. The schema is written inline (not a `$ref`) so that each operation
 * lists its codes where a reader, or a generated client, looks. With a custom `errorFormat` the body is the app's own,
 * so only the statuses are described.
 */
export function authResponses(defaultFormat: boolean): Record<'401' | '503', AuthResponseObject> {
  const unauthorized: AuthResponseObject = {
    description:
      'Refused: no token, or a bad, expired, revoked, wrong-type or not fresh enough one. ' +
      `\`code\` is one of: ${UNAUTHORIZED_CODES.join(', ')}.`,
    headers: {
      'WWW-Authenticate': { description: 'The Bearer challenge (RFC 6750, RFC 9470).', schema: { type: 'string' } },
    },
  };
  const unavailable: AuthResponseObject = {
    description:
      'The revocation store or the remote key set could not be reached in time: retry after `Retry-After`. ' +
      `\`code\` is one of: ${UNAVAILABLE_CODES.join(', ')}.`,
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
  };
  if (defaultFormat) {
    unauthorized.content = { 'application/json': { schema: refusalSchema(401, UNAUTHORIZED_CODES) } };
    unavailable.content = { 'application/json': { schema: refusalSchema(503, UNAVAILABLE_CODES) } };
  }
  return { '401': unauthorized, '503': unavailable };
}

/** `components.schemas.AuthErrorCode`: every code, for clients that generate an enum. */
export const AUTH_ERROR_CODE_SCHEMA = {
  type: 'string',
  enum: [...ALL_CODES],
  description: 'The stable `code` of every refusal (`AuthErrorCode`).',
};
