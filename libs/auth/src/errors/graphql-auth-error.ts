import { HttpStatus, IntrinsicException } from '@nestjs/common';
import type { AuthError } from './auth-error.js';
import { AuthErrorCode } from './auth-error-code.js';

/** The `extensions` of a GraphQL refusal: Apollo's code for clients in general, ours for clients of this library. */
export interface GraphQLAuthErrorExtensions {
  /**
   * `UNAUTHENTICATED`; `FORBIDDEN` for a token that is valid but not fresh, whose authentication is too old or too
   * weak (`@RequireAuth()`), whose scopes fall short (`@RequireScopes()`), or a cross-site cookie request (403);
   * `SERVICE_UNAVAILABLE` for a 503.
   */
  code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'SERVICE_UNAVAILABLE';
  /** The library's {@link AuthErrorCode} (or your `verifyClaims` code), as in the `code` of an HTTP refusal. */
  authCode: AuthErrorCode | (string & {});
  /** For `SERVICE_UNAVAILABLE`: seconds after which a retry may succeed. */
  retryAfter?: number;
}

/**
 * An {@link AuthError} as a GraphQL resolver throws it: GraphQL copies `extensions` into the error of the response
 * (graphql-js reads them from the original error), so no GraphQL package is needed to build it. It is an
 * `IntrinsicException`, so Nest does not log every refusal as a failure, and it carries no stack frames, so a server
 * that includes stack traces in errors (Apollo outside production) shows none.
 *
 * @example
 * ```ts
 * // { "errors": [{ "message": "Token has expired",
 * //                "extensions": { "code": "UNAUTHENTICATED", "authCode": "token_expired" } }] }
 * ```
 */
export class GraphQLAuthError extends IntrinsicException {
  readonly extensions: GraphQLAuthErrorExtensions;

  constructor(error: AuthError) {
    super(error.message);
    this.name = 'GraphQLAuthError';
    this.extensions = { code: graphQLCodeOf(error), authCode: error.code };
    if (error.retryAfter !== undefined) this.extensions.retryAfter = error.retryAfter;
    // The frames say where the library refused, which is of no use to a client.
    this.stack = `${this.name}: ${this.message}`;
  }
}

function graphQLCodeOf(error: AuthError): GraphQLAuthErrorExtensions['code'] {
  if (error.getStatus() === HttpStatus.SERVICE_UNAVAILABLE) return 'SERVICE_UNAVAILABLE';
  if (error.getStatus() === HttpStatus.FORBIDDEN) return 'FORBIDDEN';
  return error.code === AuthErrorCode.FreshTokenRequired || error.code === AuthErrorCode.InsufficientUserAuthentication
    ? 'FORBIDDEN'
    : 'UNAUTHENTICATED';
}
