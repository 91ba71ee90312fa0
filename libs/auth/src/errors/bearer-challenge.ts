/** The `error` attribute values this library sends in a Bearer challenge (RFC 6750 section 3.1, RFC 9470). */
export type BearerChallengeError = 'invalid_token' | 'invalid_request' | 'insufficient_user_authentication';

/**
 * Renders an RFC 6750 `WWW-Authenticate` value. With no error (no token was sent) it is a bare `Bearer`,
 * as section 3 asks, so clients are not told about problems they did not have.
 */
export function renderBearerChallenge(error: BearerChallengeError | undefined, description: string): string {
  if (error === undefined) return 'Bearer';
  return `Bearer error="${error}", error_description="${quote(description)}"`;
}

// RFC 6750 restricts error_description to printable ASCII without `"` and `\`.
function quote(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, "'");
}
