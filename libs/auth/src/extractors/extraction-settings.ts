/**
 * The resolved settings that reading a token from a request reads (`HeaderTokenExtractor`), validated at start-up.
 * Declared here, beside the code that reads them, so that `extractors/` depends on no more than it uses and
 * `options/` (which composes every feature's settings) depends on `extractors/`, never the other way round.
 */
export interface ExtractionSettings {
  /** The request header that carries the token. */
  readonly headerName: string;
  /** The scheme before the token, matched case-insensitively; `''` when the header is the bare token. */
  readonly headerScheme: string;
}
