import type { ExecutionContext } from '@nestjs/common';
import { verifiedTokenOfRequest } from '../request/verified-tokens.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';

/** The token a guard verified for this request, or `undefined` on an anonymous (optional) request. */
export function verifiedTokenOf(context: ExecutionContext): VerifiedToken | undefined {
  return verifiedTokenOfRequest(context.switchToHttp().getRequest<object>());
}
