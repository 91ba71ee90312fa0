import type { RevocationStore } from '../revocation/revocation-store.interface.js';
import type { JwtClaims, JwtHeader } from '../tokens/jwt-claims.interface.js';

/**
 * A token lifetime: a number of seconds, a string with a unit understood by `ms` (`'15m'`, `'12h'`, `'30d'`),
 * or `false` for a token that never expires (refused by this library's own verifier, so only for tokens
 * verified elsewhere; prefer a long lifetime).
 */
export type TokenLifetime = number | string | false;

/** The HMAC algorithms a verifier can be pinned to. */
export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

/**
 * Options of {@link AuthModule}, validated once at start-up. A bad value stops the app with an error
 * that names the option.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   secret: process.env.JWT_SECRET_KEY!,
 *   accessTokenExpiresIn: '15m',
 *   refreshTokenExpiresIn: '30d',
 *   isGlobal: true,
 * });
 * ```
 */
export interface AuthModuleOptions {
  /** The HMAC secret: at least as many bytes as the hash (32 for HS256, 48 for HS384, 64 for HS512). */
  secret: string | Buffer;
  /** Signing algorithm, and the only one the verifier accepts. Default `HS256`. */
  algorithm?: HmacAlgorithm;
  /** Lifetime of access tokens. Default 15 minutes. */
  accessTokenExpiresIn?: TokenLifetime;
  /** Lifetime of refresh tokens. Default 30 days. */
  refreshTokenExpiresIn?: TokenLifetime;
  /** The claim that carries the identity. Default `sub`. */
  identityClaim?: string;
  /** `iss` written into every token and required, exactly, when verifying. */
  issuer?: string;
  /** `aud` written into every token; when verifying, the token's `aud` must contain one of these. */
  audience?: string | string[];
  /** Clock skew, in seconds, tolerated on `exp`, `nbf` and `iat`. Default 0. */
  leeway?: number;
  /** The request header that carries the token. Default `Authorization`. */
  headerName?: string;
  /** The scheme before the token, matched case-insensitively; `''` means the header is the bare token. Default `Bearer`. */
  headerScheme?: string;
  /** Tokens longer than this many characters are refused before any decoding. Default 8192. */
  maxTokenLength?: number;
  /**
   * How many verified tokens to remember, keyed by the exact token string, so a client's repeated requests skip the
   * signature check. Expiry, type, freshness and revocation are still checked on every request. 0 turns it off.
   * Default 10000 (tokens over 2 KiB are never cached).
   */
  verifiedTokenCacheSize?: number;
  /** Where revocations and rotation state live. Default: a `MemoryRevocationStore` (one process only). */
  revocationStore?: RevocationStore;
  /**
   * Longest wait, in milliseconds, for the revocation store: a guarded request waits at most this long for a lost
   * feed to come back before answering 503 `revocation_unavailable`. Default 1000.
   */
  revocationTimeoutMs?: number;
  /** Serve requests from the last known revocations while the store is unreachable, instead of refusing. Default false. */
  revocationFailOpen?: boolean;
  /** Your own check, after the built-in ones (Flask-JWT-Extended's `token_in_blocklist_loader`). */
  isTokenRevoked?: (claims: JwtClaims, header: JwtHeader) => boolean | Promise<boolean>;
  /** Each refresh also returns a new refresh token and consumes the one presented. Default false. */
  rotateRefreshTokens?: boolean;
  /** With rotation: how long the immediately previous refresh token may still be presented (seconds or '30s'). Default 0. */
  refreshTokenGracePeriod?: number | string;
  /** Absolute session lifetime, counted from login: rotation never extends a session past it. Default: the refresh token lifetime. */
  sessionMaxAge?: TokenLifetime;
}
