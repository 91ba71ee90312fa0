import type { ExecutionContext } from '@nestjs/common';
import { VERIFIED_TOKEN } from '../auth.internal-constants.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';

/** The token a guard verified for this request, or `undefined` on an anonymous (optional) request. */
export function verifiedTokenOf(context: ExecutionContext): VerifiedToken | undefined {
  const request = context.switchToHttp().getRequest<Record<symbol, VerifiedToken | undefined>>();
  return request[VERIFIED_TOKEN];
}
