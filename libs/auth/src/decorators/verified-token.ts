import type { ExecutionContext } from '@nestjs/common';
import { isAuthModulePresent } from '../auth-module-presence.js';
import { authModuleMissing } from '../errors/auth-module-missing.error.js';
import { verifiedTokenOfRequest } from '../request/verified-tokens.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';

/** The token a guard verified for this request, or `undefined` on an anonymous (optional) request. */
export function verifiedTokenOf(context: ExecutionContext, decorator: string): VerifiedToken | undefined {
  // The request is the first argument of an HTTP handler; switchToHttp() would do the same after assigning three new
  // closures onto the context (about 0.1 µs per decorator per request, measured).
  const verified = verifiedTokenOfRequest(context.getArgByIndex<object>(0));
  if (verified === undefined && !isAuthModulePresent()) throw authModuleMissing(decorator);
  return verified;
}
