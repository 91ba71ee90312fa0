/** The `error` attribute values this library sends in a Bearer challenge (RFC 6750 section 3.1, RFC 9470). */
export type BearerChallengeError =
  'invalid_token' | 'invalid_request' | 'insufficient_user_authentication' | 'insufficient_scope';

/**
 * A challenge's parameters beyond `error` and `error_description`: RFC 9470 section 3's longest acceptable
 * authentication age and acceptable `acr` values, and RFC 6750 section 3's `scope`.
 */
export interface StepUpChallenge {
  readonly maxAge?: number;
  readonly acrValues?: readonly string[];
  /** RFC 6750 section 3's `scope`: the scopes a 403 `insufficient_scope` asks for, space-separated and quoted. */
  readonly scopes?: readonly string[];
}

/**
 * Renders an RFC 6750 `WWW-Authenticate` value. With no error (no token was sent) it is a bare `Bearer`,
 * as section 3 asks, so clients are not told about problems they did not have. `stepUp` adds RFC 9470's `max_age`
 * (a number, unquoted) and `acr_values` (space-separated, quoted); `scopes`, RFC 6750's `scope` (space-separated, quoted).
 */
export function renderBearerChallenge(
  error: BearerChallengeError | undefined,
  description: string,
  stepUp?: StepUpChallenge,
): string {
  if (error === undefined) return 'Bearer';
  let challenge = `Bearer error="${error}", error_description="${quote(description)}"`;
  if (stepUp?.acrValues !== undefined) challenge += `, acr_values="${quote(stepUp.acrValues.join(' '))}"`;
  if (stepUp?.maxAge !== undefined) challenge += `, max_age=${stepUp.maxAge}`;
  if (stepUp?.scopes !== undefined) challenge += `, scope="${quote(stepUp.scopes.join(' '))}"`;
  return challenge;
}

// RFC 6750 restricts error_description to printable ASCII without `"` and `\`.
function quote(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, "'");
}
