import type { ExecutionContext } from '@nestjs/common';
import { isAuthModulePresent } from '../auth-module-presence.js';
import { contextRequestOf } from '../context/context-request.js';
import { authModuleMissing } from '../errors/auth-module-missing.error.js';
import { verifiedTokenOfRequest } from '../request/verified-tokens.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';

/** The token a guard verified for this request, or `undefined` on an anonymous (optional) request. */
export function verifiedTokenOf(context: ExecutionContext, decorator: string): VerifiedToken | undefined {
  // The request is the first argument of an HTTP handler; switchToHttp() would do the same after assigning three new
  // closures onto the context (about 0.1 µs per decorator per request, measured). Other transports: see context/.
  const request = context.getType() === 'http' ? context.getArgByIndex<object>(0) : contextRequestOf(context);
  const verified = request === undefined ? undefined : verifiedTokenOfRequest(request);
  if (verified === undefined && !isAuthModulePresent()) throw authModuleMissing(decorator);
  return verified;
}
