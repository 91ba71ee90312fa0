import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { TokenRequest } from '../request/token-request.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { ClaimsRefusal, ClaimsVerifier } from './verification-settings.js';

/**
 * Runs `verify` (the `verifyClaims` option) on a verified token and the request it came with; a promise only while
 * an async check runs.
 */
export function checkClaims(verify: ClaimsVerifier, verified: VerifiedToken, request: object): void | Promise<void> {
  const outcome = verify(verified.claims, verified.header, request as TokenRequest);
  if (outcome instanceof Promise) return outcome.then((answer) => judgeClaims(answer, verified));
  judgeClaims(outcome, verified);
}

/** Turns the check's answer into nothing (accepted) or the refusal it asks for. */
function judgeClaims(answer: boolean | ClaimsRefusal | void, verified: VerifiedToken): void {
  if (answer === undefined || answer === true) return;
  const details = { claims: verified.claims, header: verified.header, identity: verified.identity };
  if (answer === false || answer === null || typeof answer !== 'object') {
    throw new AuthError(
      AuthErrorCode.ClaimsVerificationFailed,
      'User claims verification failed',
      'invalid_token',
    ).about(details);
  }
  throw new AuthError(answer.code, answer.message ?? 'User claims verification failed', 'invalid_token').about(details);
}
