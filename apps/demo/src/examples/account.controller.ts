import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentClaims, type JwtClaims, RequireAuth } from 'nest-jwt-extended';
import { stepUpMaxAgeFromEnv } from '../config/demo-env.js';

/**
 * Routes behind step-up (RFC 9470), on top of the global JwtAuthGuard: a 401 `insufficient_user_authentication` whose
 * challenge says `max_age=...` or `acr_values="mfa"` sends the client to `POST /step-up`.
 */
@Controller('account')
export class AccountController {
  /** An authentication no older than STEP_UP_MAX_AGE_SECONDS (default 300). */
  @RequireAuth({ maxAge: stepUpMaxAgeFromEnv() })
  @Get('recent-auth')
  recentAuth(@CurrentClaims() claims: JwtClaims) {
    return { auth_time: claims.auth_time };
  }

  /** A second factor: `acr: "mfa"` only. */
  @RequireAuth({ acr: 'mfa' })
  @Post('mfa-only')
  @HttpCode(200)
  mfaOnly() {
    return { done: true };
  }
}
