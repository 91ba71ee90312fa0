import type { SessionSettings } from '../sessions/session-settings.js';
import { toLifetimeSeconds } from '../tokens/token-lifetime.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { booleanOption } from './option-checks.js';

/** The settings resolved here: how refresh tokens are traded, and how long a session may last. */
export type SessionOptionSettings = Pick<
  SessionSettings,
  'sessionMaxAge' | 'rotateRefreshTokens' | 'refreshTokenGraceMs' | 'carryClaimsOnRefresh'
>;

/**
 * Resolves `sessionMaxAge` (the refresh-token lifetime unless given), `rotateRefreshTokens`,
 * `refreshTokenGracePeriod` and `carryClaimsOnRefresh`.
 */
export function resolveSessionOptions(
  options: AuthModuleOptions,
  refreshTokenTtl: number | false,
): SessionOptionSettings {
  return {
    sessionMaxAge:
      options.sessionMaxAge === undefined ? refreshTokenTtl : toLifetimeSeconds(options.sessionMaxAge, 'sessionMaxAge'),
    rotateRefreshTokens: booleanOption(options.rotateRefreshTokens ?? false, 'rotateRefreshTokens'),
    refreshTokenGraceMs: graceMs(options.refreshTokenGracePeriod ?? 0),
    carryClaimsOnRefresh: booleanOption(options.carryClaimsOnRefresh ?? true, 'carryClaimsOnRefresh'),
  };
}

function graceMs(value: number | string): number {
  if (value === 0 || value === '0') return 0;
  const seconds = toLifetimeSeconds(value, 'refreshTokenGracePeriod');
  return seconds === false ? 0 : seconds * 1000;
}
