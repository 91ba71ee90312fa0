import { HttpStatus } from '@nestjs/common';
import type { AuthError } from './auth-error.js';
import { AuthErrorCode } from './auth-error-code.js';

/** The status and JSON body a refusal is answered with. */
export interface AuthErrorResponse {
  status: number;
  body: unknown;
}

/**
 * Turns a refusal into its response: Flask-JWT-Extended's seven error loaders (`expired_token_loader`,
 * `invalid_token_loader`, `unauthorized_loader`, `needs_fresh_token_loader`, `revoked_token_loader`,
 * `user_lookup_error_loader`, `token_verification_failed_loader`) in one function that branches on `error.code`.
 *
 * @example
 * ```ts
 * const errorFormat: AuthErrorFormatter = (error) => ({
 *   status: error.getStatus(),
 *   body: { error: { code: error.code, message: error.message } },
 * });
 * ```
 */
export type AuthErrorFormatter = (error: AuthError) => AuthErrorResponse;

/**
 * The `errorFormat` option: `'default'` (`{ statusCode, error, message, code }`), `'flask-jwt-extended'` (its
 * statuses and `{ "msg": ... }` bodies, exactly), or your own {@link AuthErrorFormatter}.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, errorFormat: 'flask-jwt-extended' });
 * ```
 */
export type AuthErrorFormat = 'default' | 'flask-jwt-extended' | AuthErrorFormatter;

/** What the Flask-JWT-Extended format needs to word its messages as Flask does. */
export interface FlaskFormatSettings {
  readonly headerName: string;
  readonly identityClaim: string;
  /** The body's key (`JWT_ERROR_MESSAGE_KEY`). Default `msg`. */
  readonly messageKey?: string;
}

const NOT_FRESH = 'Fresh token required';
const REVOKED = 'Token has been revoked';

/**
 * Flask-JWT-Extended 4.7's answers (its `default_callbacks.py` and `view_decorators.py`): 401 for a missing token,
 * another scheme, an expired, revoked or non-fresh token, a user not found and CSRF failures; 422 for an invalid token,
 * a bad header and the wrong type; 400 for failed claim checks. Bodies are `{ "msg": ... }` (or `messageKey`) with
 * Flask's own texts where they are fixed; for invalid tokens (PyJWT's wording) this library's message. 503s keep their
 * status.
 */
export function flaskJwtExtendedErrorFormat(settings: FlaskFormatSettings): AuthErrorFormatter {
  return (error) => {
    const [status, msg] = flaskAnswer(error, settings);
    return { status, body: { [settings.messageKey ?? 'msg']: msg } };
  };
}

/** PyJWT's words where ours name the same fault; ours (more precise) elsewhere, as PyJWT's vary by version. */
function invalidTokenMessage(message: string, settings: FlaskFormatSettings): string {
  if (message.startsWith('The token algorithm is not allowed')) return 'The specified alg value is not allowed';
  if (message === `Token has no valid ${settings.identityClaim} claim`)
    return `Missing claim: ${settings.identityClaim}`;
  // Also the longer message for a token with aud where no audience is configured: PyJWT says the same there.
  if (message.startsWith('Token audience is not accepted')) return 'Invalid audience';
  if (message === 'Token issuer is not accepted') return 'Invalid issuer';
  return message;
}

function flaskAnswer(error: AuthError, settings: FlaskFormatSettings): [number, string] {
  const message = error.message;
  switch (error.code) {
    case AuthErrorCode.AuthorizationRequired:
      return [
        HttpStatus.UNAUTHORIZED,
        message === 'Missing authorization token' ? `Missing ${settings.headerName} Header` : message,
      ];
    case AuthErrorCode.InvalidAuthorizationHeader:
      // Another scheme is Flask's NoAuthorizationError (401); the scheme with no token or several is InvalidHeaderError.
      return [error.challenge === 'Bearer' ? HttpStatus.UNAUTHORIZED : HttpStatus.UNPROCESSABLE_ENTITY, message];
    case AuthErrorCode.InvalidToken:
      return [HttpStatus.UNPROCESSABLE_ENTITY, invalidTokenMessage(message, settings)];
    case AuthErrorCode.TokenNotYetValid:
      return [
        HttpStatus.UNPROCESSABLE_ENTITY,
        `The token is not yet valid (${message.includes('(iat') ? 'iat' : 'nbf'})`,
      ];
    case AuthErrorCode.WrongTokenType:
      return [
        HttpStatus.UNPROCESSABLE_ENTITY,
        message === 'Only access tokens are allowed' ? 'Only non-refresh tokens are allowed' : message,
      ];
    case AuthErrorCode.TokenExpired:
      return [HttpStatus.UNAUTHORIZED, 'Token has expired'];
    case AuthErrorCode.FreshTokenRequired:
      return [HttpStatus.UNAUTHORIZED, NOT_FRESH];
    case AuthErrorCode.TokenRevoked:
    case AuthErrorCode.RefreshTokenReused:
      return [HttpStatus.UNAUTHORIZED, REVOKED];
    case AuthErrorCode.UserNotFound:
      return [HttpStatus.UNAUTHORIZED, `Error loading the user ${error.token?.identity ?? ''}`.trimEnd()];
    case AuthErrorCode.ClaimsVerificationFailed:
      return [HttpStatus.BAD_REQUEST, 'User claims verification failed'];
    case AuthErrorCode.CsrfTokenMissing:
      return [HttpStatus.UNAUTHORIZED, 'Missing CSRF token'];
    case AuthErrorCode.CsrfTokenMismatch:
      return [HttpStatus.UNAUTHORIZED, 'CSRF double submit tokens do not match'];
    default:
      return [error.getStatus(), message];
  }
}
