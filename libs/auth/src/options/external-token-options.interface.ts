/**
 * The `external` option's object form: how strictly an identity provider's access tokens are typed.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   name: 'partner',
 *   external: { headerTypes: ['at+jwt'], requireHeaderType: true }, // RFC 9068 tokens only
 *   jwks: { uri: 'https://login.example.com/.well-known/jwks.json', algorithms: ['RS256'] },
 *   issuer: 'https://login.example.com/',
 *   audience: 'https://api.example.com',
 * });
 * ```
 */
export interface ExternalTokenOptions {
  /**
   * The header `typ` values accepted, compared without case and without an `application/` prefix. Default
   * `['at+jwt', 'JWT']`: RFC 9068's type, and what Keycloak, Auth0 and Entra ID send.
   */
  headerTypes?: readonly string[];
  /** Refuse a token without a `typ` header. Default false: some providers send none. */
  requireHeaderType?: boolean;
}
