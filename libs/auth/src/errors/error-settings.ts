import type { AuthErrorFormatter } from './auth-error-format.js';

/**
 * The resolved settings that answering refusals reads (`AuthErrorResponder`, `AuthErrorFilter`). Declared here, beside
 * the code that reads them, so that `errors/` depends on no more than it uses.
 */
export interface ErrorSettings {
  /** The `errorFormat` option as a function; undefined for the default format (Nest's own answer to the error). */
  readonly errorFormatter?: AuthErrorFormatter;
}
