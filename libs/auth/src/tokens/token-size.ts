import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';

/**
 * Refuses a token before any decoding when it is empty or longer than `maxLength` characters (`maxTokenLength`): a
 * token from a cookie or a JSON body has no HTTP header limit. Where a token is found and where it is verified both
 * call it, so neither needs the other.
 */
export function assertTokenSize(token: unknown, maxLength: number): asserts token is string {
  if (typeof token !== 'string' || token.length === 0) {
    throw AuthError.invalid(AuthErrorCode.InvalidToken, 'Token is empty');
  }
  if (token.length > maxLength) {
    throw AuthError.invalid(AuthErrorCode.InvalidToken, `Token is larger than ${maxLength} characters`);
  }
}
