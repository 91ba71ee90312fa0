import { AuthError } from '../errors/auth-error.js';
import type { JwtClaims } from './jwt-claims.interface.js';

const NO_SCOPES: ReadonlySet<string> = new Set();

/**
 * The scopes a token grants: RFC 8693 / RFC 9068's `scope` (a space-separated string), or the `scp` claim some
 * identity providers use instead (Okta: an array; Entra ID: a space-separated string). Both are read when both are
 * present; anything else (a number, an array holding a non-string) grants nothing.
 *
 * @example
 * ```ts
 * scopesOf({ scope: 'reports:read reports:write' }); // Set { 'reports:read', 'reports:write' }
 * scopesOf({ scp: ['reports:read'] }); // Set { 'reports:read' }
 * ```
 */
export function scopesOf(claims: Readonly<Record<string, unknown>>): ReadonlySet<string> {
  const { scope, scp } = claims;
  if (scope === undefined && scp === undefined) return NO_SCOPES;
  const scopes = new Set<string>();
  for (const value of [scope, scp]) {
    if (typeof value === 'string') {
      for (const entry of value.split(' ')) if (entry !== '') scopes.add(entry);
    } else if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) {
      for (const entry of value) if (entry !== '') scopes.add(entry);
    }
  }
  return scopes;
}

/** Refuses claims lacking any of `required` with 403 `insufficient_scope` (RFC 6750 section 3.1). Internal. */
export function assertScopes(claims: JwtClaims, required: readonly string[]): void {
  const granted = scopesOf(claims);
  if (required.every((scope) => granted.has(scope))) return;
  throw AuthError.insufficientScope(required).about({ claims });
}
