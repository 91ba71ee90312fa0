import { HttpException, HttpStatus } from '@nestjs/common';
import { AuthErrorCode } from './auth-error-code.js';
import { renderBearerChallenge, type BearerChallengeError } from './bearer-challenge.js';

/** The statuses of a refusal: 401 (the token), 403 (a cross-site origin), 429 (too many logins), 503 (a store down). */
export type RefusalStatus =
  HttpStatus.UNAUTHORIZED | HttpStatus.FORBIDDEN | HttpStatus.TOO_MANY_REQUESTS | HttpStatus.SERVICE_UNAVAILABLE;

const STATUS_TEXT: Record<RefusalStatus, string> = {
  [HttpStatus.UNAUTHORIZED]: 'Unauthorized',
  [HttpStatus.FORBIDDEN]: 'Forbidden',
  [HttpStatus.TOO_MANY_REQUESTS]: 'Too Many Requests',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'Service Unavailable',
};

/** The JSON body of every refusal. */
export interface AuthErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: AuthErrorCode | (string & {});
}

/**
 * What is known of the token a refusal is about, once its signature held (an expired token, the wrong type, a
 * non-fresh token, a user not found): for an `errorFormat` function or a security event. Never sent by the default
 * format, and never the token itself.
 */
export interface RefusedTokenDetails {
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly header?: Readonly<Record<string, unknown>>;
  readonly identity?: string;
}

/**
 * The one error type of the library: a 401 with a stable `code` and the RFC 6750 challenge to send in
 * `WWW-Authenticate`. Guards throw it; `TokenService.verifyToken` throws it too, so code that verifies
 * tokens by hand gets the same codes and messages as the guards.
 *
 * @example
 * ```ts
 * try {
 *   tokens.verifyToken(raw, { type: 'refresh' });
 * } catch (error) {
 *   if (error instanceof AuthError && error.code === AuthErrorCode.TokenExpired) { ... }
 *   throw error;
 * }
 * ```
 */
export class AuthError extends HttpException {
  /** The value for the `WWW-Authenticate` response header. */
  readonly challenge: string;
  /** For a 503 or a 429: seconds after which a retry may succeed, sent as `Retry-After`. */
  readonly retryAfter?: number;
  /** The refused token's claims, header and identity when it was genuine (see {@link RefusedTokenDetails}). */
  token?: RefusedTokenDetails;

  constructor(
    /** The stable machine code (one of {@link AuthErrorCode}, or an application's own from `verifyClaims`). */
    readonly code: AuthErrorCode | (string & {}),
    message: string,
    /** RFC 6750 / RFC 9470 `error` attribute of the challenge; omitted when no token was sent. */
    challengeError?: BearerChallengeError,
    status: RefusalStatus = HttpStatus.UNAUTHORIZED,
    /** For a 503 or a 429: whole seconds (at least 1) for `Retry-After`. */
    retryAfter?: number,
  ) {
    const error = STATUS_TEXT[status];
    const body: AuthErrorBody = { statusCode: status, error, message, code };
    super(body, status);
    this.challenge = renderBearerChallenge(challengeError, message);
    if (retryAfter !== undefined) this.retryAfter = Math.max(1, Math.ceil(retryAfter));
  }

  /** Records what is known of the refused token (its claims, header, identity); returns the error, to throw. */
  about(token: RefusedTokenDetails): this {
    this.token = token;
    return this;
  }

  /** The revocation state cannot be read or written right now (503, with `Retry-After`: 1 second unless told). */
  static unavailable(message: string, retryAfter = 1): AuthError {
    return new AuthError(
      AuthErrorCode.RevocationUnavailable,
      message,
      undefined,
      HttpStatus.SERVICE_UNAVAILABLE,
      retryAfter,
    );
  }

  /** Too many login attempts (429, with `Retry-After` in whole seconds, at least 1). */
  static tooManyAttempts(retryAfter: number): AuthError {
    return new AuthError(
      AuthErrorCode.TooManyAttempts,
      'Too many failed login attempts; try again later',
      undefined,
      HttpStatus.TOO_MANY_REQUESTS,
      retryAfter,
    );
  }

  /** No token in the request. */
  static missing(message: string): AuthError {
    return new AuthError(AuthErrorCode.AuthorizationRequired, message);
  }

  /** A token was sent and is refused; `code` says why. */
  static invalid(code: AuthErrorCode, message: string): AuthError {
    return new AuthError(code, message, 'invalid_token');
  }
}

/** A refused token (`invalid_token`): the one shape every decoding, key and claim check throws. Internal. */
export function invalidToken(message: string): AuthError {
  return AuthError.invalid(AuthErrorCode.InvalidToken, message);
}

/**
 * Any failure met while judging a token, as the {@link AuthError} a client gets: an `AuthError` as it is; anything else
 * (a decoder's TypeError on hostile input, say) as 401 `invalid_token` "Token is malformed", never a 500. Internal.
 */
export function toAuthError(error: unknown): AuthError {
  return error instanceof AuthError ? error : invalidToken('Token is malformed');
}
