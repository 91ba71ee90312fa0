import { HttpException, HttpStatus } from '@nestjs/common';
import { AuthErrorCode } from './auth-error-code.js';
import { renderBearerChallenge, type BearerChallengeError, type StepUpChallenge } from './bearer-challenge.js';
import { renderDpopChallenge, type DpopChallengeError } from './dpop-challenge.js';

/**
 * The statuses of a refusal: 401 (the token), 403 (a cross-site origin, insufficient scope), 429 (too many logins),
 * 503 (a store down).
 */
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
  /** For a `use_dpop_nonce` refusal: the nonce to retry with, sent as the `DPoP-Nonce` header (RFC 9449 section 8). */
  dpopNonce?: string;

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

  /**
   * Challenges with the DPoP scheme instead of Bearer (RFC 9449 section 7.1), naming the accepted `algs`: for a
   * refusal of a request that used DPoP, or of a DPoP-bound token. Returns the error, to throw.
   */
  challengeDpop(error: DpopChallengeError | undefined, algs: readonly string[]): this {
    // The challenge is read-only to users; only a refusal being built changes its scheme.
    (this as { challenge: string }).challenge = renderDpopChallenge(error, this.message, algs);
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

  /**
   * RFC 9470: the token is genuine but its authentication is too old or too weak for the route; the challenge names
   * what would do (`max_age=300`, `acr_values="mfa"`).
   */
  static insufficientAuthentication(message: string, stepUp: StepUpChallenge): AuthError {
    const error = new AuthError(
      AuthErrorCode.InsufficientUserAuthentication,
      message,
      'insufficient_user_authentication',
    );
    // The one challenge with parameters beyond error and description; the constructor's signature stays as published.
    (error as { challenge: string }).challenge = renderBearerChallenge(
      'insufficient_user_authentication',
      message,
      stepUp,
    );
    return error;
  }

  /**
   * RFC 6750 section 3.1: the token is genuine but lacks a scope the route needs: 403 `insufficient_scope`, with the
   * challenge naming the scopes (`Bearer error="insufficient_scope", error_description="...", scope="reports:read"`).
   */
  static insufficientScope(scopes: readonly string[]): AuthError {
    const message = `Token lacks the scope ${scopes.join(' ')}`;
    const error = new AuthError(AuthErrorCode.InsufficientScope, message, 'insufficient_scope', HttpStatus.FORBIDDEN);
    (error as { challenge: string }).challenge = renderBearerChallenge('insufficient_scope', message, { scopes });
    return error;
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
