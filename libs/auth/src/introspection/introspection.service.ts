import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { SecurityEvents } from '../events/security-events.js';
import type { JwtClaims } from '../tokens/jwt-claims.interface.js';
import { TokenService } from '../tokens/token.service.js';
import { authenticateClient } from './client-credentials.js';
import { introspectionError } from './introspection-error.js';
import type { IntrospectionResponse } from './introspection-response.js';
import type { IntrospectionSettings } from './introspection-settings.js';

/** The one answer for every token that is not live: nothing tells an expired token from a forged one. */
const INACTIVE: IntrospectionResponse = Object.freeze({ active: false });

/**
 * RFC 7662 token introspection, for the clients configured in the `introspection` option: a gateway or a service that
 * cannot verify tokens itself asks whether a token is live. A token is active when the guards would accept it (either
 * type) and the revocation store, asked every time, holds no revocation of it, its session or its user: a token
 * revoked on any instance reads `{ "active": false }` at once. `IntrospectionController` serves it at
 * `POST /introspect`; call it from a controller of your own to serve another path.
 *
 * @example
 * ```ts
 * @Public()
 * @Post('oauth/introspect')
 * @HttpCode(200)
 * introspect(@Headers('authorization') authorization: string, @Body() body: Record<string, unknown>) {
 *   const client = this.introspection.authenticate(authorization);
 *   return this.introspection.introspect(client, body);
 * }
 * ```
 */
@Injectable()
export class IntrospectionService {
  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: IntrospectionSettings,
    private readonly tokens: TokenService,
    @Optional() private readonly events?: SecurityEvents,
  ) {}

  /**
   * The id of the client an `Authorization: Basic` header proves; otherwise throws 401 `invalid_client` (send
   * `WWW-Authenticate: Basic realm="introspection"` with it, as the controller does).
   *
   * @example
   * ```ts
   * const clientId = introspection.authenticate(request.headers.authorization);
   * ```
   */
  authenticate(authorization: unknown): string {
    const clientId = authenticateClient(authorization, this.settings.introspectionClients);
    if (clientId === undefined) {
      throw introspectionError(HttpStatus.UNAUTHORIZED, 'invalid_client', 'Client authentication failed');
    }
    return clientId;
  }

  /**
   * The answer for the form body `{ token, token_type_hint? }` a client sent: exactly `{ active: false }` for any
   * token that is not live. A body without a `token` string is 400 `invalid_request`; a store that cannot answer is
   * 503 `revocation_unavailable`, never a guess. `token_type_hint` may be left out; the token is looked at whatever it
   * says (RFC 7662 section 2.1).
   *
   * @example
   * ```ts
   * const answer = await introspection.introspect('gateway', { token: raw, token_type_hint: 'access_token' });
   * ```
   */
  async introspect(clientId: string, body: unknown): Promise<IntrospectionResponse> {
    const { token, token_type_hint: hint } = (body ?? {}) as Record<string, unknown>;
    if (typeof token !== 'string' || token.length === 0) {
      throw introspectionError(HttpStatus.BAD_REQUEST, 'invalid_request', 'The token parameter is required');
    }
    if (hint !== undefined && typeof hint !== 'string') {
      throw introspectionError(HttpStatus.BAD_REQUEST, 'invalid_request', 'token_type_hint must be a single value');
    }
    let claims: JwtClaims;
    try {
      claims = await this.tokens.verifyTokenAsync(token, { type: ['access', 'refresh'], checkRevocation: true });
    } catch (error) {
      // The store or the key set could not answer: a 503 the client can retry, not a verdict on the token.
      if (error instanceof AuthError && error.getStatus() === HttpStatus.SERVICE_UNAVAILABLE) throw error;
      this.report(clientId, false);
      return INACTIVE;
    }
    const answer = this.describe(claims);
    this.report(clientId, true, answer.sub, claims);
    return answer;
  }

  private describe(claims: JwtClaims): Extract<IntrospectionResponse, { active: true }> {
    const scope = Array.isArray(claims.scope)
      ? claims.scope.filter((entry): entry is string => typeof entry === 'string').join(' ')
      : claims.scope;
    return {
      active: true,
      sub: String(claims[this.settings.identityClaim]),
      exp: claims.exp,
      iat: claims.iat,
      ...(typeof claims.iss === 'string' && { iss: claims.iss }),
      ...(claims.aud !== undefined && { aud: claims.aud }),
      jti: claims.jti,
      ...(typeof claims.sid === 'string' && { sid: claims.sid }),
      token_type: claims.type === 'refresh' ? 'refresh' : 'access',
      ...(typeof scope === 'string' && scope.length > 0 && { scope }),
    };
  }

  // The client, the verdict and, for a live token, whose and which (ids only): never the token.
  private report(clientId: string, active: boolean, identity?: string, claims?: JwtClaims): void {
    this.events?.emit({
      type: 'introspection',
      clientId,
      active,
      ...(identity !== undefined && { identity }),
      ...(typeof claims?.sid === 'string' && { sessionId: claims.sid }),
      ...(claims !== undefined && { tokenId: claims.jti }),
    });
  }
}
