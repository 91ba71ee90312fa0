import { type ArgumentsHost, Catch, HttpException, HttpStatus, Optional } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { AuthErrorCode } from './auth-error-code.js';
import { AuthError } from './auth-error.js';
import { AuthErrorResponder } from './auth-error-responder.js';
import { responderOf } from './configuration-responder.js';
import { GraphQLAuthError } from './graphql-auth-error.js';
import { emitSocketRefusal } from './socket-refusal.js';

/**
 * Sends the `WWW-Authenticate` challenge of an {@link AuthError} (from a guard, or from `SessionService` in a
 * controller, say), or the `Retry-After` of a 503, then answers in the module's `errorFormat` (Nest's own answer for the
 * default format). `AuthModule` registers it globally. If your app has a catch-all exception filter of its own, that
 * one runs instead: set both there, and answer with `AuthErrorResponder.respond(error)`.
 *
 * Outside HTTP it never touches a response: in a GraphQL resolver it throws the refusal as a {@link GraphQLAuthError}
 * (`extensions.code` and `extensions.authCode`), in a gateway it sends the client an `exception` event
 * `{ status: 'error', code, message }`, and in other transports it rethrows the error to their own handler.
 *
 * @example
 * ```ts
 * // in your own catch-all filter
 * if (exception instanceof AuthError) {
 *   if (exception.getStatus() === 401) response.header('WWW-Authenticate', exception.challenge);
 *   if (exception.retryAfter !== undefined) response.header('Retry-After', String(exception.retryAfter));
 * }
 * ```
 */
@Catch(AuthError)
export class AuthErrorFilter extends BaseExceptionFilter {
  constructor(@Optional() private readonly responder?: AuthErrorResponder) {
    super();
  }

  override catch(error: AuthError, host: ArgumentsHost): void {
    const type = host.getType<string>();
    if (type !== 'http') {
      if (type === 'graphql') throw new GraphQLAuthError(error);
      if (type === 'ws') return emitSocketRefusal(host.getArgByIndex(0), error);
      throw error;
    }
    setAuthErrorHeaders(host.switchToHttp().getResponse(), error);
    // A named configuration's refusal is answered in that configuration's errorFormat.
    const responder = responderOf(error) ?? this.responder;
    if (responder?.customised !== true) return super.catch(error, host);
    const { status, body } = responder.respond(error);
    // Nest answers an HttpException with its response object as the body (a string is wrapped in { message }).
    super.catch(new HttpException(body as Record<string, unknown>, status), host);
  }
}

/**
 * The headers of a refusal: the challenge of a 401 (and a DPoP nonce to retry with) or of a 403 `insufficient_scope`,
 * the `Retry-After` of a 503 or a 429.
 */
export function setAuthErrorHeaders(response: unknown, error: AuthError): void {
  if (error.getStatus() === HttpStatus.UNAUTHORIZED) {
    setHeader(response, 'WWW-Authenticate', error.challenge);
    if (error.dpopNonce !== undefined) setHeader(response, 'DPoP-Nonce', error.dpopNonce);
    // RFC 6750 section 3: a 403 insufficient_scope carries its challenge too (an untrusted origin's 403 does not).
  } else if (error.code === AuthErrorCode.InsufficientScope) setHeader(response, 'WWW-Authenticate', error.challenge);
  else if (error.retryAfter !== undefined) setHeader(response, 'Retry-After', String(error.retryAfter));
}

/** Express' res.header and Fastify's reply.header share this signature; raw Node responses have setHeader. */
function setHeader(response: unknown, name: string, value: string): void {
  const target = response as {
    header?: (name: string, value: string) => unknown;
    setHeader?: (name: string, value: string) => unknown;
  };
  if (typeof target?.header === 'function') target.header(name, value);
  else if (typeof target?.setHeader === 'function') target.setHeader(name, value);
}
