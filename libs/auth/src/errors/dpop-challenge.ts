/** The `error` attribute values of a DPoP challenge (RFC 9449 sections 7.1 and 9, RFC 6750 section 3.1). */
export type DpopChallengeError = 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_request';

/**
 * Renders a `WWW-Authenticate: DPoP ...` value (RFC 9449 section 7.1): the error when there is one, and always the
 * `algs` the server accepts, so a client learns which key to make without a second round trip.
 */
export function renderDpopChallenge(
  error: DpopChallengeError | undefined,
  description: string,
  algs: readonly string[],
): string {
  const accepted = `algs="${algs.join(' ')}"`;
  if (error === undefined) return `DPoP ${accepted}`;
  return `DPoP error="${error}", error_description="${quote(description)}", ${accepted}`;
}

// As in a Bearer challenge: printable ASCII without `"` and `\`.
function quote(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, "'");
}
