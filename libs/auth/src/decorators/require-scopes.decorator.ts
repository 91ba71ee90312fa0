import { SetMetadata } from '@nestjs/common';
import { REQUIRE_SCOPES_KEY } from '../auth.constants.js';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';

// RFC 6749 section 3.3's scope-token: printable ASCII without space, `"` or `\` (it travels in a quoted challenge).
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;

/**
 * Requires the token to grant every scope named, read from its `scope` claim (space-separated) or `scp` (a string or an
 * array, as Okta and Entra ID send it). A token that lacks one is refused with 403 `insufficient_scope` and the RFC 6750
 * challenge `WWW-Authenticate: Bearer error="insufficient_scope", error_description="...", scope="reports:read"`. On a
 * class it covers every handler; a handler's own wins. Enforced by the library's guards on HTTP, GraphQL and gateway
 * messages, for whichever configuration accepted the token; read once per handler, so routes without it cost nothing.
 * A bad scope stops the app as its module loads, naming it.
 *
 * @example
 * ```ts
 * @UseGuards(JwtAuthGuard.for('partner'))
 * @RequireScopes('reports:read')
 * @Get('partner/reports')
 * reports() { return { config: 'partner' }; }
 * ```
 */
export function RequireScopes(...scopes: string[]): ClassDecorator & MethodDecorator {
  if (scopes.length === 0) throw new InvalidAuthOptionError('RequireScopes', 'needs at least one scope');
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new InvalidAuthOptionError(
        'RequireScopes',
        `takes scope names without spaces or quotes (got ${JSON.stringify(scope)})`,
      );
    }
  }
  return SetMetadata(REQUIRE_SCOPES_KEY, Object.freeze([...new Set(scopes)]));
}
