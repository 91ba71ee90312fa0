import { SetMetadata } from '@nestjs/common';
import { REQUIRE_AUTH_KEY } from '../auth.constants.js';
import { type RequireAuthOptions, stepUpRequirementOf } from './step-up-requirement.js';

/**
 * Step-up (RFC 9470) on a route, a resolver or a gateway message, on top of the access guard: the token's
 * `auth_time` must be at most `maxAge` old, and/or its `acr` one of `acr`. Otherwise 401
 * `insufficient_user_authentication` with `WWW-Authenticate: Bearer error="insufficient_user_authentication",
 * error_description="...", max_age=300` (or `acr_values="mfa"`): the client re-authenticates (`StepUpService.stepUp`)
 * and retries. On a class, it covers every handler; a handler's own wins. Enforced by the library's guards
 * (`JwtAuthGuard`, `FreshJwtGuard`, a global one included) on HTTP, GraphQL and gateway messages; read once per handler,
 * so routes without it cost nothing. Bad options stop the app as its module loads, naming the option.
 *
 * @example
 * ```ts
 * @RequireAuth({ maxAge: 300 })
 * @Get('account/recent-auth')
 * recent(@CurrentClaims() claims: JwtClaims) { return { auth_time: claims.auth_time }; }
 *
 * @RequireAuth({ acr: 'mfa' })
 * @Post('account/mfa-only')
 * mfaOnly() { return { done: true }; }
 * ```
 */
export function RequireAuth(options: RequireAuthOptions): ClassDecorator & MethodDecorator {
  return SetMetadata(REQUIRE_AUTH_KEY, stepUpRequirementOf(options));
}
