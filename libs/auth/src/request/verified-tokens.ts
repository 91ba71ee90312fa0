import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { TokenLocation } from './token-location.js';

// A WeakMap rather than a property on the request: adding properties to the framework's request object changes its
// shape and slows every later property access in the request (measured in BENCHMARKS.md). Entries go with the request.
const byRequest = new WeakMap<object, VerifiedToken>();
// Only tokens that did not come from a header are noted, so the common case costs no second map write.
const locationByRequest = new WeakMap<object, TokenLocation>();

export function attachVerifiedToken(request: object, verified: VerifiedToken, location?: TokenLocation): void {
  byRequest.set(request, verified);
  if (location !== undefined && location !== 'headers') locationByRequest.set(request, location);
}

export function verifiedTokenOfRequest(request: object): VerifiedToken | undefined {
  return byRequest.get(request);
}

/** Where the request's verified token came from; undefined when the request has none. */
export function tokenLocationOfRequest(request: object): TokenLocation | undefined {
  if (!byRequest.has(request)) return undefined;
  return locationByRequest.get(request) ?? 'headers';
}
