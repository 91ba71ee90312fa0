import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { from, type Observable, switchMap, tap } from 'rxjs';
import { LoginThrottle } from './login-throttle.service.js';

/** What the interceptor reads of a login request (Express and Fastify alike). */
interface LoginRequest {
  body?: unknown;
  ip?: string;
}

/**
 * Throttles a login route (what `@ThrottleLogin()` applies): {@link LoginThrottle.check} before the handler runs (and
 * so before any password is hashed), then `recordSuccess` when the handler returns and `recordFailure` when it throws
 * a 401. The username is the body's `loginThrottle.usernameField` (`username`), the address the request's `ip` (set
 * Express' or Fastify's `trust proxy` behind a proxy). Extend it and override the `protected` methods to read them
 * elsewhere or to tell a failure otherwise.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class EmailLoginThrottle extends ThrottleLoginInterceptor {
 *   protected override usernameOf(request: { body?: unknown }) {
 *     return (request.body as { email?: string }).email;
 *   }
 * }
 * // @UseInterceptors(EmailLoginThrottle) on the route
 * ```
 */
@Injectable()
export class ThrottleLoginInterceptor implements NestInterceptor {
  constructor(protected readonly throttle: LoginThrottle) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<LoginRequest>();
    const username = this.usernameOf(request);
    // A body without a username guesses no password: the handler refuses it without hashing anything.
    if (username === undefined) return next.handle();
    const address = this.addressOf(request);
    return from(this.throttle.check(username, address)).pipe(
      switchMap(() => next.handle()),
      tap({
        next: () => void this.throttle.recordSuccess(username, address),
        error: (error: unknown) => {
          if (this.isFailedLogin(error)) void this.throttle.recordFailure(username, address);
        },
      }),
    );
  }

  /** The username tried: the body's `usernameField` when it is a string; otherwise the attempt is not counted. */
  protected usernameOf(request: LoginRequest): string | undefined {
    const body = request.body;
    if (typeof body !== 'object' || body === null) return undefined;
    const value = (body as Record<string, unknown>)[this.throttle.usernameField];
    return typeof value === 'string' ? value : undefined;
  }

  /** The client address: the request's `ip`. */
  protected addressOf(request: LoginRequest): string | undefined {
    return typeof request.ip === 'string' && request.ip !== '' ? request.ip : undefined;
  }

  /** Whether the handler's error is a failed login: a 401. */
  protected isFailedLogin(error: unknown): boolean {
    return error instanceof HttpException && error.getStatus() === HttpStatus.UNAUTHORIZED;
  }
}
