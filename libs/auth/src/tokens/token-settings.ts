import type { RemoteKeySetOptions } from '../keys/remote-key-set.js';
import type { SigningKey, VerificationKey } from '../keys/verification-key.interface.js';
import type { ClaimsLoader, HeadersLoader } from './token-loaders.js';

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
  /** `iss` written into every token and required, exactly, when verifying. */
  readonly issuer?: string;
  /** `aud` written into every token; a verified token must name one of these. */
  readonly audience?: string | string[];
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
  /** The `identityOf` option. */
  readonly identityOf?: (user: unknown) => string;
}
