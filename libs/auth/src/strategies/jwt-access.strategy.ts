import { Injectable } from '@nestjs/common';
import { JWT_ACCESS_STRATEGY } from '../auth.constants.js';
import { JwtPolicyStrategy } from './jwt-policy.strategy.js';

/** Passport strategy `jwt-access`: any valid access token, fresh or not. */
@Injectable()
export class JwtAccessStrategy extends JwtPolicyStrategy(JWT_ACCESS_STRATEGY, { type: 'access' }) {}
