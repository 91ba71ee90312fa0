import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { TokenLocation } from './token-location.js';

/**
 * The request slots of the verified token and of where it came from: one property write and read per request. On
 * Fastify they are declared at start-up (`decorateRequest`, see `request-slot.ts`), so every request is built with
 * them and writing one does not change the request's shape; on Express and on the requests built for GraphQL over
 * WebSocket and for sockets they are plain properties, written the same way on every guarded request.
 */
export const VERIFIED_TOKEN_SLOT = Symbol('nest-jwt-extended:verified-token');
/** Written only for a token that did not come from a header, so the common request costs no second write. */
export const TOKEN_LOCATION_SLOT = Symbol('nest-jwt-extended:token-location');

type Slotted = { [VERIFIED_TOKEN_SLOT]?: VerifiedToken | null; [TOKEN_LOCATION_SLOT]?: TokenLocation | null };

// Only for a request that takes no property (frozen or sealed by the caller of verifyRequest): entries go with it.
const frozenRequests = new WeakMap<object, { verified: VerifiedToken; location: TokenLocation }>();

export function attachVerifiedToken(request: object, verified: VerifiedToken, location?: TokenLocation): void {
  try {
    (request as Slotted)[VERIFIED_TOKEN_SLOT] = verified;
    if (location !== undefined && location !== 'headers') (request as Slotted)[TOKEN_LOCATION_SLOT] = location;
  } catch {
    frozenRequests.set(request, { verified, location: location ?? 'headers' });
  }
}

export function verifiedTokenOfRequest(request: object): VerifiedToken | undefined {
  return (request as Slotted)[VERIFIED_TOKEN_SLOT] ?? frozenRequests.get(request)?.verified;
}

/** Where the request's verified token came from; undefined when the request has none. */
export function tokenLocationOfRequest(request: object): TokenLocation | undefined {
  const slotted = request as Slotted;
  if (slotted[VERIFIED_TOKEN_SLOT]) return slotted[TOKEN_LOCATION_SLOT] ?? 'headers';
  return frozenRequests.get(request)?.location;
}
