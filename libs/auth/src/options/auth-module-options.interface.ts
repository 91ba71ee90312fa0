import type { JwtAlgorithm } from '../jws/jws-algorithm.js';
import type { KeyInput } from '../keys/key-input.js';
import type { TokenLifetime } from '../tokens/token-lifetime.js';
import type { ClaimsLoader, HeadersLoader } from '../tokens/token-loaders.js';
import type { AuthErrorFormat } from '../errors/auth-error-format.js';
import type { SecurityEvent } from '../events/security-event.interface.js';
import type { ClaimsVerifier, LoadUser, LoadUserOn } from '../verification/verification-settings.js';
import type { TokenLocation } from '../request/token-location.js';
import type { CookieOptions, CsrfOptions } from './cookie-options.interface.js';
import type { TokenClaimOptions } from './token-claim-options.interface.js';
import type { FeatureOptions } from './feature-options.interface.js';
import type { SessionOptions } from './session-options.interface.js';

// The nested `cookies` and `csrf` options, the claim options and the optional features' options, in files of their own: re-exported, so that this
// file stays the one the options are imported from.
export type { CookieOptions, CsrfOptions } from './cookie-options.interface.js';
export type { TokenClaimOptions } from './token-claim-options.interface.js';
export type { DpopOptions } from './dpop-options.interface.js';
export type { LoginThrottleOptions } from './login-throttle-options.interface.js';
export type { ExternalTokenOptions } from './external-token-options.interface.js';
export type { FeatureOptions } from './feature-options.interface.js';
export type { SessionOptions } from './session-options.interface.js';

/** The HMAC algorithms. */
export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

/**
 * One more key that verifies tokens (but never signs them), picked by the exact `kid` in a token's header: the old
 * key during a rotation, or another issuer's.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   algorithm: 'ES256', privateKey: newPem, kid: '2026-11',
 *   verificationKeys: [{ kid: '2026-05', key: oldPublicPem }],
 * });
 * ```
 */
export interface VerificationKeyOptions {
  /** The key id tokens signed with this key carry in their header. */
  kid: string;
  /** The one algorithm this key verifies. Default: the module's `algorithm`. */
  algorithm?: JwtAlgorithm;
  /** An HMAC secret (string or Buffer) for HS algorithms; a public key (PEM, file path, JWK) for the others. */
  key: KeyInput;
}

/**
 * A remote JWKS to verify tokens with (a verify-only service trusting an identity provider). Fetched, cached and
 * refetched on an unknown `kid` (at most once per cooldown) by jose.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ algorithm: 'RS256', jwks: { uri: 'https://issuer.example/.well-known/jwks.json' }, issuer: 'https://issuer.example' });
 * ```
 */
export interface RemoteJwksOptions {
  /** The https (or http, for a local service) URL of the JWKS document. */
  uri: string;
  /** The algorithms accepted from it. Default: the module's `algorithm`. HMAC algorithms are not allowed. */
  algorithms?: JwtAlgorithm[];
  /** How long fetched keys are trusted before the document is fetched again, in milliseconds. Default 600000. */
  cacheMaxAgeMs?: number;
  /** Least time between two fetches caused by unknown kids, in milliseconds. Default 30000. */
  cooldownMs?: number;
  /** Longest wait for the document, in milliseconds; then 503 `key_set_unavailable`. Default 5000. */
  timeoutMs?: number;
}

/**
 * Options of {@link AuthModule}, validated once at start-up. A bad value stops the app with an error
 * that names the option. The claim options (`identityClaim`, `issuer`, `audience`, `acceptedIssuers`, ...) are
 * those of {@link TokenClaimOptions}.
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
export interface AuthModuleOptions extends TokenClaimOptions, SessionOptions, FeatureOptions {
  /**
   * Signing algorithm, and the one the signing key verifies with. Default `HS256`. HS256/384/512 take `secret`;
   * RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA (Ed25519) take `privateKey` and/or `publicKey`.
   */
  algorithm?: JwtAlgorithm;
  /** The HMAC secret, for HS algorithms: at least as many bytes as the hash (32 for HS256, 48 for HS384, 64 for HS512). */
  secret?: string | Buffer;
  /** The private key tokens are signed with, for asymmetric algorithms: PEM text, a file path, a JWK or a KeyObject. */
  privateKey?: KeyInput;
  /**
   * The public key tokens are verified with, for asymmetric algorithms. Default: derived from `privateKey`. Alone
   * (without `privateKey`), the module only verifies.
   */
  publicKey?: KeyInput;
  /** Key id of the signing key: written as `kid` in every token's header, and matched exactly when verifying. */
  kid?: string;
  /** More keys that verify (never sign), each picked by its `kid`: the way to rotate keys without a flag day. */
  verificationKeys?: VerificationKeyOptions[];
  /** A remote JWKS whose keys verify tokens too (they never sign). */
  jwks?: RemoteJwksOptions;
  /** Lifetime of access tokens. Default 15 minutes. */
  accessTokenExpiresIn?: TokenLifetime;
  /** Lifetime of refresh tokens. Default 30 days. */
  refreshTokenExpiresIn?: TokenLifetime;
  /** The request header that carries the token. Default `Authorization`. */
  headerName?: string;
  /**
   * The scheme before the token, matched case-insensitively; `''` means the header is the bare token. Default `Bearer`.
   * A list (`['Bearer', 'JWT']`, as simplejwt's `AUTH_HEADER_TYPES`) accepts each; the first is the canonical one.
   */
  headerScheme?: string | readonly string[];
  /** Tokens longer than this many characters are refused before any decoding, wherever they come from. Default 8192. */
  maxTokenLength?: number;
  /**
   * How many verified tokens to remember, keyed by the exact token string, so a client's repeated requests skip the
   * signature check. Expiry, type, freshness and revocation are still checked on every request. 0 turns it off.
   * Default 10000 (tokens over 2 KiB are never cached).
   */
  verifiedTokenCacheSize?: number;
  /**
   * Claims added to every token minted, at login, refresh and rotation alike (Flask-JWT-Extended's
   * `additional_claims_loader`); sync or async. Per-call `additionalClaims` win over these; on refresh they win over
   * the carried claims. An async loader needs `SessionService` or the `TokenService.*Async` methods (the sync ones
   * throw a TypeError saying so).
   *
   * @example
   * ```ts
   * additionalClaims: async (identity, { type }) => (type === 'access' ? { roles: await users.rolesOf(identity) } : {}),
   * ```
   */
  additionalClaims?: ClaimsLoader;
  /**
   * JOSE header parameters added to every token minted (Flask-JWT-Extended's `additional_headers_loader`); sync or
   * async. Per-call `additionalHeaders` win. `alg`, `typ`, `kid` and the other reserved names are refused.
   *
   * @example
   * ```ts
   * additionalHeaders: () => ({ 'x-tenant': 'eu-1' }),
   * ```
   */
  additionalHeaders?: HeadersLoader;
  /**
   * Turns the object given to `SessionService.start` or `TokenService.create*` into the identity string
   * (Flask-JWT-Extended's `user_identity_loader`). The loaders then see the object as `context.user`.
   *
   * @example
   * ```ts
   * identityOf: (user: User) => user.id,
   * // then: await sessions.start(user);
   * ```
   */
  identityOf?: (user: never) => string;
  /**
   * Loads the user for `@CurrentUser()` (Flask-JWT-Extended's `user_lookup_loader`), once per request and only on
   * routes that ask for it (or on every guarded request, with `loadUserOn: 'every-request'`); `undefined` or `null`
   * refuses with 401 `user_not_found`. The last argument is the request the token came with. A `UserLoader`
   * provider in the controller's module takes precedence for `@CurrentUser()`.
   *
   * @example
   * ```ts
   * loadUser: (identity) => users.findById(identity),
   * ```
   */
  loadUser?: LoadUser;
  /**
   * `'every-request'`: run `loadUser` on every guarded request (HTTP, GraphQL, socket handshake and messages,
   * `verifyRequest`), after `verifyClaims`, so a deleted or disabled user is refused with 401 `user_not_found` at
   * once; `@CurrentUser()` then gets the user loaded there, never loads again. Needs the `loadUser` option. Default
   * `'current-user'`: only where `@CurrentUser()` asks.
   *
   * @example
   * ```ts
   * loadUser: (identity) => users.findActive(identity),
   * loadUserOn: 'every-request',
   * ```
   */
  loadUserOn?: LoadUserOn;
  /**
   * Checks the claims of every token a guard (or `verifyRequest`) accepts, after revocation (Flask-JWT-Extended's
   * `token_verification_loader`). `false` refuses with 401 `claims_verification_failed`; `{ code, message }` with
   * your code. Sync or async.
   *
   * @example
   * ```ts
   * verifyClaims: (claims) => claims.tenant === 'eu-1',
   * ```
   */
  verifyClaims?: ClaimsVerifier;
  /**
   * How every refusal is answered: `'default'` (`{ statusCode, error, message, code }`, 401 or 503),
   * `'flask-jwt-extended'` (Flask-JWT-Extended 4.7's statuses and `{ "msg": ... }` bodies, so a front end written
   * for a Flask API keeps working), or a function of the `AuthError` (Flask's seven error loaders in one place).
   * `WWW-Authenticate` and `Retry-After` are sent whatever the format. Default `'default'`.
   *
   * @example
   * ```ts
   * errorFormat: 'flask-jwt-extended',
   * errorFormat: (error) => ({ status: error.getStatus(), body: { error: error.code } }),
   * ```
   */
  errorFormat?: AuthErrorFormat;
  /**
   * The body key of `errorFormat: 'flask-jwt-extended'` (Flask-JWT-Extended's `JWT_ERROR_MESSAGE_KEY`): `{ [key]:
   * message }`. Refused at start-up with any other format. Default `msg`.
   *
   * @example
   * ```ts
   * AuthModule.forRoot({ secret, errorFormat: 'flask-jwt-extended', errorMessageKey: 'message' });
   * ```
   */
  errorMessageKey?: string;
  /**
   * Receives every security event (login, refresh, rotation, refresh token reuse, revocations, refusals): for an
   * audit log. Events never carry a token or a secret. With `@nestjs/event-emitter`'s `EventEmitterModule` in the
   * app, they are emitted there too, as `auth.<type>`.
   *
   * @example
   * ```ts
   * onEvent: (event) => audit.write(event),
   * ```
   */
  onEvent?: (event: SecurityEvent) => void;
  /**
   * Token types of your own (`password_reset`, `email_verification`, `mfa_pending`), minted by
   * `TokenService.createToken(type, ...)` and accepted only by `TokenTypeGuard.for(type)`. Any token type not listed
   * (besides `access` and `refresh`) is refused everywhere. Default none.
   *
   * @example
   * ```ts
   * tokenTypes: ['password_reset'],
   * ```
   */
  tokenTypes?: string[];
  /**
   * Where guards look for the token, in order (`JWT_TOKEN_LOCATION`): `'headers'`, `'cookies'`, `'query_string'`,
   * `'json'`. Only "no token here" moves on to the next; a bad token in the first location is refused. Routes can
   * override it with `@TokenLocation()`. With `'cookies'` listed (and `csrf.enabled`), every token carries a `csrf`
   * claim. Default `['headers']`.
   *
   * @example
   * ```ts
   * AuthModule.forRoot({ secret, tokenLocation: ['headers', 'cookies'], cookies: { secure: true } });
   * ```
   */
  tokenLocation?: TokenLocation | readonly TokenLocation[];
  /** Cookie names, paths and attributes for the `'cookies'` location and `AuthCookies`. */
  cookies?: CookieOptions;
  /** CSRF double submit for cookie-borne tokens. */
  csrf?: CsrfOptions;
  /** The `'query_string'` location: `?jwt=<token>` by default (`JWT_QUERY_STRING_NAME`, `..._VALUE_PREFIX`). */
  queryString?: { name?: string; valuePrefix?: string };
  /** The `'json'` location's keys (`JWT_JSON_KEY`, `JWT_REFRESH_JSON_KEY`). Defaults `access_token`, `refresh_token`. */
  json?: { accessKey?: string; refreshKey?: string };
  /**
   * Implicit refresh (Flask's `after_request` recipe): when a guard accepts a cookie-borne access token that expires
   * within `within` (default: half the access-token lifetime), the response sets a new, non-fresh access cookie for the
   * same session. Default false.
   *
   * @example
   * ```ts
   * AuthModule.forRoot({ secret, tokenLocation: ['cookies'], implicitRefresh: { within: '5m' } });
   * ```
   */
  implicitRefresh?: boolean | { within?: TokenLifetime };
}
