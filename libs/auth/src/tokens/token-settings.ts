import type { RemoteKeySetOptions } from '../keys/remote-key-set.js';
import type { SigningKey, VerificationKey } from '../keys/verification-key.interface.js';
import type { ClaimsLoader, HeadersLoader } from './token-loaders.js';

/**
 * The resolved `external` option: tokens minted by an identity provider (RFC 9068 access tokens), verified only.
 *
 * @example
 * ```ts
 * const external: ExternalTokenSettings = { headerTypes: new Set(['at+jwt', 'jwt']), requireHeaderType: false };
 * ```
 */
export interface ExternalTokenSettings {
  /** The accepted header `typ` values, lower-cased, without an `application/` prefix. */
  readonly headerTypes: ReadonlySet<string>;
  /** Refuse a token without `typ`. */
  readonly requireHeaderType: boolean;
}

/**
 * The resolved settings that signing and verifying read (`TokenService`, `TokenVerifier` and its cache of verified
 * tokens): keys built, lifetimes in seconds, defaults filled in. Declared here, beside the code that reads them, so
 * that `tokens/` depends on no more than it uses and `options/` (which composes every feature's settings) depends on
 * `tokens/`, never the other way round.
 */
export interface TokenSettings {
  /** The key tokens are signed with; undefined for a verify-only module. */
  readonly signingKey?: SigningKey;
  /** The signing key's own verification key first, then `verificationKeys`. */
  readonly verificationKeys: readonly VerificationKey[];
  /** A remote JWKS whose keys verify tokens too, with its defaults filled in. */
  readonly jwks?: RemoteKeySetOptions;
  /** Lifetime of access tokens in seconds; false for tokens without `exp`. */
  readonly accessTokenTtl: number | false;
  /** Lifetime of refresh tokens in seconds; false for tokens without `exp`. */
  readonly refreshTokenTtl: number | false;
  /** The claim that carries the identity. */
  readonly identityClaim: string;
  /** `iss` written into every token we mint. */
  readonly issuer?: string;
  /** `aud` written into every token we mint. */
  readonly audience?: string | string[];
  /** The `iss` values a verified token may carry, each exactly (default `[issuer]`); undefined: `iss` not checked. */
  readonly acceptedIssuers?: readonly string[];
  /** A verified token's `aud` must name one of these, exactly (default `audience`); undefined: none configured. */
  readonly acceptedAudiences?: readonly string[];
  /** With no accepted audience, accept a token that carries `aud` anyway (a migration's opt-out of RFC 7519 4.1.3). */
  readonly acceptUnexpectedAudience: boolean;
  /** False: the identity claim may be a non-string JSON value (an integer, an object), as `JWT_VERIFY_SUB = False`. */
  readonly verifySub: boolean;
  /** Whether minted tokens carry `nbf` (= `iat`). */
  readonly encodeNbf: boolean;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. */
  readonly leeway: number;
  /** Tokens longer than this many characters are refused before any decoding. */
  readonly maxTokenLength: number;
  /** Whether minted tokens carry a random `csrf` claim (CSRF protection on, and cookies among the token locations). */
  readonly csrfClaim: boolean;
  /** How many verified tokens to remember; 0 turns the cache off. */
  readonly verifiedTokenCacheSize: number;
  /** `access`, `refresh` and the application's own `tokenTypes`: a token of any other type is refused. */
  readonly tokenTypes: ReadonlySet<string>;
  /** The `additionalClaims` option. */
  readonly claimsLoader?: ClaimsLoader;
  /** The `additionalHeaders` option. */
  readonly headersLoader?: HeadersLoader;
  /**
   * Set for a configuration that verifies an identity provider's access tokens: no `type`, `jti` or `fresh` claim is
   * required (an untyped token is an access token), and the header `typ` must be one of `headerTypes`.
   */
  readonly external?: ExternalTokenSettings;
  /** The `identityOf` option. */
  readonly identityOf?: (user: unknown) => string;
}
