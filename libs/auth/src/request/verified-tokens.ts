import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { TokenLocation } from './token-location.js';

/**
 * The request slot of the verified token, where the request type declares it at start-up (Fastify's `decorateRequest`,
 * see `request-slot.ts`): one property write and read per request, on a shape that never changes. Elsewhere (Express,
 * whose request shape a new property would change for every later property access, and the requests built for
 * GraphQL over WebSocket and for sockets) a WeakMap keeps it; entries go with the request.
 */
export const VERIFIED_TOKEN_SLOT = Symbol('nest-jwt-extended:verified-token');

type Slotted = { [VERIFIED_TOKEN_SLOT]?: VerifiedToken | null };

const byRequest = new WeakMap<object, VerifiedToken>();
// Only tokens that did not come from a header are noted, so the common case costs no second write.
const locationByRequest = new WeakMap<object, TokenLocation>();

export function attachVerifiedToken(request: object, verified: VerifiedToken, location?: TokenLocation): void {
  if (VERIFIED_TOKEN_SLOT in request) (request as Slotted)[VERIFIED_TOKEN_SLOT] = verified;
  else byRequest.set(request, verified);
  if (location !== undefined && location !== 'headers') locationByRequest.set(request, location);
}

export function verifiedTokenOfRequest(request: object): VerifiedToken | undefined {
  if (VERIFIED_TOKEN_SLOT in request) return (request as Slotted)[VERIFIED_TOKEN_SLOT] ?? undefined;
  return byRequest.get(request);
}

/** Where the request's verified token came from; undefined when the request has none. */
export function tokenLocationOfRequest(request: object): TokenLocation | undefined {
  if (verifiedTokenOfRequest(request) === undefined) return undefined;
  return locationByRequest.get(request) ?? 'headers';
}
