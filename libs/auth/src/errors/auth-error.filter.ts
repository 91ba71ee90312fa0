import { type ArgumentsHost, Catch, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { AuthError } from './auth-error.js';

/**
 * Sends the `WWW-Authenticate` challenge of an {@link AuthError} thrown outside a guard (from `SessionService` in a
 * controller, say), then lets Nest answer as usual. `AuthModule` registers it globally. If your app has a catch-all
 * exception filter of its own, that one runs instead: set `error.challenge` there.
 *
 * @example
 * ```ts
 * // in your own catch-all filter
 * if (exception instanceof AuthError) response.header('WWW-Authenticate', exception.challenge);
 * ```
 */
@Catch(AuthError)
export class AuthErrorFilter extends BaseExceptionFilter {
  override catch(error: AuthError, host: ArgumentsHost): void {
    if (error.getStatus() === HttpStatus.UNAUTHORIZED) setChallenge(host.switchToHttp().getResponse(), error.challenge);
    super.catch(error, host);
  }
}

/** Express' res.header and Fastify's reply.header share this signature; raw Node responses have setHeader. */
export function setChallenge(response: unknown, challenge: string): void {
  const target = response as {
    header?: (name: string, value: string) => unknown;
    setHeader?: (name: string, value: string) => unknown;
  };
  if (typeof target?.header === 'function') target.header('WWW-Authenticate', challenge);
  else if (typeof target?.setHeader === 'function') target.setHeader('WWW-Authenticate', challenge);
}
