import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { DpopChallengeError } from '../errors/dpop-challenge.js';

/**
 * The refusals of DPoP, each a 401 challenged with the DPoP scheme and the accepted `algs` (RFC 9449 section 7.1), or
 * a 503 when the replay cache cannot answer. Messages name the rule broken, never the proof or the token.
 */
export class DpopRefusals {
  constructor(private readonly algs: readonly string[]) {}

  /** A proof that is missing, malformed or does not fit the request: `invalid_dpop_proof`. */
  invalidProof(message: string): AuthError {
    return this.refusal(AuthErrorCode.InvalidDpopProof, message, 'invalid_dpop_proof');
  }

  /** A token bound to another key than the proof's, or not bound though sent as DPoP: `invalid_token`. */
  bindingMismatch(message: string): AuthError {
    return this.refusal(AuthErrorCode.DpopBindingMismatch, message, 'invalid_token');
  }

  /** A bound access token sent as a bearer token. */
  schemeRequired(): AuthError {
    return this.refusal(
      AuthErrorCode.DpopSchemeRequired,
      "Token is bound to a DPoP key: send it as 'Authorization: DPoP <token>' with a DPoP proof",
      'invalid_token',
    );
  }

  /** `dpop.required` and no proof, or an unbound token. */
  required(message: string): AuthError {
    return this.refusal(AuthErrorCode.DpopRequired, message, 'invalid_request');
  }

  /** A proof without the current server nonce: the answer carries one (`DPoP-Nonce`). */
  useNonce(nonce: string): AuthError {
    const error = this.refusal(AuthErrorCode.UseDpopNonce, 'DPoP proof must carry the server nonce', 'use_dpop_nonce');
    error.dpopNonce = nonce;
    return error;
  }

  /** The challenge of any other refusal of a request that used DPoP, so the client keeps to its scheme. */
  rechallenge(error: AuthError): AuthError {
    if (error.getStatus() !== 401 || error.challenge.startsWith('DPoP')) return error;
    return error.challengeDpop(error.challenge === 'Bearer' ? undefined : 'invalid_token', this.algs);
  }

  /** The replay cache did not answer in time: 503, never a guess. */
  replayUnavailable(): AuthError {
    return new AuthError(
      AuthErrorCode.DpopReplayUnavailable,
      'DPoP replay cache is unavailable; try again shortly',
      undefined,
      503,
      1,
    );
  }

  private refusal(code: AuthErrorCode, message: string, error: DpopChallengeError): AuthError {
    return new AuthError(code, message, 'invalid_token').challengeDpop(error, this.algs);
  }
}
