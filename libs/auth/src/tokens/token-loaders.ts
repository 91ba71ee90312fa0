/**
 * What the `additionalClaims` and `additionalHeaders` loaders are told about the token being minted.
 *
 * @example
 * ```ts
 * additionalClaims: (identity, { type, user }) => (type === 'access' ? { roles: rolesOf(user ?? identity) } : {}),
 * ```
 */
export interface TokenLoaderContext {
  /** The type of the token being minted: `access`, `refresh`, or one of your `tokenTypes`. */
  readonly type: string;
  /** The object the token was minted from, when `identityOf` turned one into the identity. */
  readonly user?: unknown;
}

/**
 * Claims added to every token minted (Flask-JWT-Extended's `additional_claims_loader`), sync or async. Per-call
 * `additionalClaims` win over these. An async loader needs the async minting methods (`SessionService`, or
 * `TokenService.createAccessTokenAsync`).
 *
 * @example
 * ```ts
 * const additionalClaims: ClaimsLoader = async (identity) => ({ roles: await users.rolesOf(identity) });
 * ```
 */
export type ClaimsLoader = (
  identity: string,
  context: TokenLoaderContext,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * JOSE header parameters added to every token minted (Flask-JWT-Extended's `additional_headers_loader`), sync or
 * async. Per-call `additionalHeaders` win over these.
 *
 * @example
 * ```ts
 * const additionalHeaders: HeadersLoader = () => ({ 'x-tenant': 'eu-1' });
 * ```
 */
export type HeadersLoader = ClaimsLoader;

/** Turns the object given to `SessionService.start` or `TokenService.create*` into the identity string. */
export type IdentityOf = (user: never) => string;
