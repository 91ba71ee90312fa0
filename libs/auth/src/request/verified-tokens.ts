import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';

// A WeakMap rather than a property on the request: adding properties to the framework's request object changes its
// shape and slows every later property access in the request (measured in BENCHMARKS.md). Entries go with the request.
const byRequest = new WeakMap<object, VerifiedToken>();

/** Records the token a guard or strategy verified for `request`. */
export function attachVerifiedToken(request: object, verified: VerifiedToken): void {
  byRequest.set(request, verified);
}

/** The token verified for `request`, or `undefined` on an anonymous request. */
export function verifiedTokenOfRequest(request: object): VerifiedToken | undefined {
  return byRequest.get(request);
}
