import type { ExtractableRequest } from '../extractors/token-extractor.js';
import type { ExtractedToken } from '../extractors/extracted-token.js';
import type { TokenLocation } from '../request/token-location.js';
import type { TokenPolicy } from '../tokens/token-policy.js';

/**
 * What a route (a guard, a passport strategy, a socket handshake, one `verifyRequest` call) asks of a request's token.
 * A guard builds one per route, once, so a request allocates nothing for it.
 *
 * @example
 * ```ts
 * const demand: TokenDemand = { policy: { type: 'access', fresh: true }, locations: ['headers'] };
 * const verified = await pipeline.verify(request, demand);
 * ```
 */
export interface TokenDemand {
  /** The type (or types) accepted, and whether the token must be fresh. */
  readonly policy: TokenPolicy;
  /** Where to look, in order; default the module's `tokenLocation`. */
  readonly locations?: readonly TokenLocation[];
  /** A request without a token passes as anonymous (`undefined`); a bad token is still refused. */
  readonly optional?: boolean;
  /** Finds the token (a guard's `extractToken` hook); default the module's extractor over `locations`. */
  readonly find?: (request: ExtractableRequest, locations?: readonly TokenLocation[]) => ExtractedToken | undefined;
  /** The message of the 401 for a request without a token; default: where the extractor looked. */
  readonly missingMessage?: (locations: readonly TokenLocation[] | undefined, request: ExtractableRequest) => string;
}
