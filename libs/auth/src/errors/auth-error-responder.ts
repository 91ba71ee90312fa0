import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { AuthError } from './auth-error.js';
import type { AuthErrorResponse } from './auth-error-format.js';
import type { ErrorSettings } from './error-settings.js';

/**
 * The status and body of a refusal in the module's `errorFormat`. `AuthErrorFilter` answers with it; an app with a
 * catch-all exception filter of its own (which runs instead) injects it to answer the same way.
 *
 * @example
 * ```ts
 * @Catch()
 * export class AllErrorsFilter implements ExceptionFilter {
 *   constructor(private readonly refusals: AuthErrorResponder, private readonly adapterHost: HttpAdapterHost) {}
 *   catch(exception: unknown, host: ArgumentsHost) {
 *     if (exception instanceof AuthError) {
 *       const { status, body } = this.refusals.respond(exception);
 *       return this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, status);
 *     }
 *     ...
 *   }
 * }
 * ```
 */
@Injectable()
export class AuthErrorResponder {
  constructor(@Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: ErrorSettings) {}

  /** Whether a format other than the default is configured. */
  get customised(): boolean {
    return this.settings.errorFormatter !== undefined;
  }

  /** The status and body to answer `error` with. */
  respond(error: AuthError): AuthErrorResponse {
    const format = this.settings.errorFormatter;
    return format === undefined ? { status: error.getStatus(), body: error.getResponse() } : format(error);
  }
}
