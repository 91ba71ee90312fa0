/**
 * The options about the claims of a token: what we write into the tokens we mint (`identityClaim`, `issuer`,
 * `audience`, `encodeNbf`) and what we require of the tokens we verify (`acceptedIssuers`, `acceptedAudiences`,
 * `acceptUnexpectedAudience`, `verifySub`, `leeway`). Part of {@link AuthModuleOptions}, in a file of their own.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   secret,
 *   issuer: 'https://auth.example',
 *   audience: 'orders-api',
 *   acceptedIssuers: ['https://auth.example', 'https://legacy-auth.example'],
 * });
 * ```
 */
export interface TokenClaimOptions {
  /** The claim that carries the identity. Default `sub`. */
  identityClaim?: string;
  /**
   * `iss` written into every token we mint. Unless `acceptedIssuers` says otherwise, it is also the one issuer a
   * verified token must name, exactly.
   */
  issuer?: string;
  /**
   * `aud` written into every token we mint (a string, or an array). Unless `acceptedAudiences` says otherwise, a
   * verified token's `aud` must contain one of these, exactly.
   */
  audience?: string | string[];
  /**
   * The `iss` values a verified token may carry (Flask-JWT-Extended's `JWT_DECODE_ISSUER`, @fastify/jwt's
   * `allowedIss`), apart from the `issuer` we mint with: each compared exactly (no prefix, no case folding).
   * Default: `[issuer]` when `issuer` is set, else `iss` is not checked.
   *
   * @example
   * ```ts
   * // mint as the new service, still accept the old one's tokens during the move
   * AuthModule.forRoot({ secret, issuer: 'https://auth.example', acceptedIssuers: ['https://auth.example', 'https://flask.example'] });
   * ```
   */
  acceptedIssuers?: string | string[];
  /**
   * The audiences this service answers to (Flask-JWT-Extended's `JWT_DECODE_AUDIENCE`), apart from the `audience`
   * we mint with: a verified token's `aud` (a string, or an array of strings) must contain one of them, exactly.
   * Default: `audience`. With neither, a token that carries any `aud` is refused (RFC 7519 section 4.1.3), unless
   * `acceptUnexpectedAudience`.
   *
   * @example
   * ```ts
   * // a verify-only API that mints nothing but answers to two names
   * AuthModule.forRoot({ algorithm: 'RS256', publicKey, acceptedAudiences: ['orders-api', 'https://orders.example'] });
   * ```
   */
  acceptedAudiences?: string | string[];
  /**
   * Accept tokens that carry an `aud` claim when no audience is configured (neither `audience` nor
   * `acceptedAudiences`). RFC 7519 section 4.1.3 says such a token MUST be refused, and PyJWT (under
   * Flask-JWT-Extended) refuses it; this switch exists only for a migration whose tokens carry an `aud` nobody
   * checked. Risk: a token minted for another service that shares the key is accepted here (RFC 8725 section 3.9).
   * Refused at start-up when an audience is configured. Default false.
   *
   * @example
   * ```ts
   * AuthModule.forRoot({ secret, acceptUnexpectedAudience: true }); // for a migration only; set acceptedAudiences instead
   * ```
   */
  acceptUnexpectedAudience?: boolean;
  /**
   * `false` accepts a token whose identity claim is not a string (an integer or an object, as older PyJWT let
   * Flask-JWT-Extended mint: `JWT_VERIFY_SUB = False`). `@CurrentIdentity()` then gives the value as it is (declare the
   * parameter `unknown`); revocation, events and `loadUser` see its JSON text (`42` as `'42'`). `null`, booleans and
   * the empty string are still refused; the tokens we mint keep string identities. Refused at start-up with
   * `implicitRefresh`, which mints from the identity of the token it renews. Default true.
   *
   * @example
   * ```ts
   * AuthModule.forRoot({ secret, verifySub: false });
   * // @Get('me') me(@CurrentIdentity() identity: unknown) { return { id: identity }; }
   * ```
   */
  verifySub?: boolean;
  /**
   * `false` mints tokens without an `nbf` claim (Flask-JWT-Extended's `JWT_ENCODE_NBF = False`); by default `nbf`
   * equals `iat`. Verification is the same either way: `nbf` is checked when present. Default true.
   *
   * @example
   * ```ts
   * AuthModule.forRoot({ secret, encodeNbf: false });
   * ```
   */
  encodeNbf?: boolean;
  /** Clock skew, in seconds, tolerated on `exp`, `nbf` and `iat`. Default 0. */
  leeway?: number;
}
