import type { AuthError } from './auth-error.js';
import type { AuthErrorResponder } from './auth-error-responder.js';

// Which configuration's responder answers a refusal. Only named configurations record one: the app-wide filter then
// answers their refusals in their own errorFormat, and a refusal of the default configuration costs no entry here.
const responders = new WeakMap<AuthError, AuthErrorResponder>();

/** Records that `error` is to be answered by `responder` (a named configuration's); returns the error. Internal. */
export function answeredBy(error: AuthError, responder: AuthErrorResponder): AuthError {
  responders.set(error, responder);
  return error;
}

/** The responder recorded for `error`, if a named configuration refused it. Internal. */
export function responderOf(error: AuthError): AuthErrorResponder | undefined {
  return responders.get(error);
}
