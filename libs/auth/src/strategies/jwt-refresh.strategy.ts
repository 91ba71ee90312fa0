import { Injectable } from '@nestjs/common';
import { JWT_REFRESH_STRATEGY } from '../auth.constants.js';
import { JwtPolicyStrategy } from './jwt-policy.strategy.js';

/** Passport strategy `jwt-refresh`: a valid refresh token only. */
@Injectable()
export class JwtRefreshStrategy extends JwtPolicyStrategy(JWT_REFRESH_STRATEGY, { type: 'refresh' }) {}
