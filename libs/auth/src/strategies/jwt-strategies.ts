import { JwtAccessStrategy } from './jwt-access.strategy.js';
import { JwtFreshStrategy } from './jwt-fresh.strategy.js';
import { JwtRefreshStrategy } from './jwt-refresh.strategy.js';

/**
 * The passport strategies `jwt-access`, `jwt-fresh` and `jwt-refresh`. Only ever imported dynamically (by
 * `passportStrategiesProvider`), because loading this module loads @nestjs/passport, passport and passport-jwt:
 * optional peers an app installs only when it uses `AuthGuard('jwt-access')`.
 */
export const JWT_STRATEGIES = [JwtAccessStrategy, JwtFreshStrategy, JwtRefreshStrategy] as const;
