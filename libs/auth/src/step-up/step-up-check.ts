import { AuthError } from '../errors/auth-error.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import type { StepUpRequirement } from './step-up-requirement.js';

/**
 * Refuses verified claims whose authentication is older than the requirement's `maxAge` or whose `acr` is not among
 * its values, with 401 `insufficient_user_authentication` and the RFC 9470 challenge naming what would do. A token
 * without `auth_time` (or `acr`) cannot prove it and is refused the same way. Internal: the verification pipeline calls
 * it, after revocation, so a revoked token is reported as revoked and never told to step up.
 */
export function assertStepUp(claims: JwtClaims, requirement: StepUpRequirement, nowSeconds: number): void {
  const { maxAge, acr } = requirement;
  const tooOld =
    maxAge !== undefined && !(typeof claims.auth_time === 'number' && nowSeconds - claims.auth_time <= maxAge);
  const tooWeak = acr !== undefined && !(typeof claims.acr === 'string' && acr.includes(claims.acr));
  if (!tooOld && !tooWeak) return;
  const message = tooOld
    ? tooWeak
      ? 'A stronger and more recent authentication is required'
      : 'A more recent authentication is required'
    : 'A stronger authentication is required';
  throw AuthError.insufficientAuthentication(message, {
    ...(tooOld && { maxAge }),
    ...(tooWeak && { acrValues: acr }),
  }).about({ claims });
}
