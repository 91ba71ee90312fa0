import { Body, Controller, HttpCode, Post, UnauthorizedException } from '@nestjs/common';
import { CurrentClaims, CurrentIdentity, type JwtClaims, StepUpService } from 'nest-jwt-extended';
import { DemoValidationPipe } from '../http/validation.pipe.js';
import { UserStore } from '../users/user-store.service.js';
import { SecondFactor } from './second-factor.service.js';
import { StepUpDto } from './step-up.dto.js';

/**
 * Step-up (RFC 9470): with the access token of a session, the password again, and a TOTP code for `acr: "mfa"`. New
 * tokens for the same session with a new `auth_time`; what a `@RequireAuth()` route's 401 asks the client to do.
 */
@Controller()
export class StepUpController {
  constructor(
    private readonly users: UserStore,
    private readonly secondFactor: SecondFactor,
    private readonly stepUps: StepUpService,
  ) {}

  @Post('step-up')
  @HttpCode(200)
  async stepUp(
    @CurrentIdentity() identity: string,
    @CurrentClaims() claims: JwtClaims,
    @Body(DemoValidationPipe) body: StepUpDto,
  ) {
    // Both checks run whatever the first said: one answer, one cost, for a wrong password and a wrong code.
    const [passwordOk, otpOk] = await Promise.all([
      this.users.verifyCredentials(identity, body.password).then((found) => found !== undefined),
      body.otp === undefined ? Promise.resolve(true) : this.secondFactor.verify(body.otp),
    ]);
    if (!passwordOk || !otpOk) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Bad password or one-time code',
        code: 'invalid_credentials',
      });
    }
    const { accessToken, refreshToken } = await this.stepUps.stepUp(
      claims,
      body.otp === undefined ? { acr: 'pwd', amr: ['pwd'] } : { acr: 'mfa', amr: ['pwd', 'otp'] },
    );
    return refreshToken === undefined
      ? { access_token: accessToken }
      : { access_token: accessToken, refresh_token: refreshToken };
  }
}
