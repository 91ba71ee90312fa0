import { Injectable } from '@nestjs/common';
import { JWT_FRESH_STRATEGY } from '../auth.constants.js';
import { JwtPolicyStrategy } from './jwt-policy.strategy.js';

/** Passport strategy `jwt-fresh`: a valid access token that is fresh. */
@Injectable()
export class JwtFreshStrategy extends JwtPolicyStrategy(JWT_FRESH_STRATEGY, { type: 'access', fresh: true }) {}
