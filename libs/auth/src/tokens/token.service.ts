import { Inject, Injectable, Optional } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { TokenSettings } from './token-settings.js';
import type { JwtClaims } from './jwt-claims.interface.js';
import type {
  CreateAccessTokenOptions,
  CreateRefreshTokenOptions,
  CreateTokenOptions,
  VerifyTokenOptions,
} from './token-options.interface.js';
import { TokenVerifier } from './token-verifier.js';
import { TOKEN_REVOCATION_CHECK, type TokenRevocationCheck } from './token-revocation-check.js';
import { encodeCompactJws } from '../jws/compact-jws.js';
import { JWS_ALGORITHMS } from '../jws/jws-algorithm.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { assertIdentity, buildClaims, buildProtectedHeader, tokenLifetime } from './claims-builder.js';

/**
 * Creates and verifies access and refresh tokens (Flask-JWT-Extended's `create_access_token`,
 * `create_refresh_token` and `decode_token`).
 *
 * @example
 * ```ts
 * @Post('login')
 * async login(@Body() body: LoginDto) {
 *   const user = await this.users.check(body.username, body.password);
 *   return {
 *     access_token: this.tokens.createAccessToken(user.id, { fresh: true }),
 *     refresh_token: this.tokens.createRefreshToken(user.id),
 *   };
 * }
 * ```
 */
@Injectable()
export class TokenService {
  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: TokenSettings,
    private readonly verifier: TokenVerifier,
    @Optional() @Inject(TOKEN_REVOCATION_CHECK) private readonly revocationCheck?: TokenRevocationCheck,
  ) {}

  /**
   * Creates an access token for `identity` (or for an object, when the `identityOf` option turns it into the
   * identity). Pass `fresh: true` when the user has just given credentials. Runs the `additionalClaims` and
   * `additionalHeaders` loaders; when one of them is async, use {@link createAccessTokenAsync}.
   *
   * @example
   * ```ts
   * tokens.createAccessToken('alice', { fresh: true });
   * tokens.createAccessToken('alice', { fresh: 15 * 60, additionalClaims: { roles: ['admin'] } });
   * ```
   */
  createAccessToken(identity: string | object, options: CreateAccessTokenOptions = {}): string {
    return this.mintNow(
      identity,
      'access',
      options.fresh ?? false,
      tokenLifetime(options, this.settings.accessTokenTtl),
      options,
    );
  }

  /**
   * Creates a refresh token for `identity` (or an object, with `identityOf`). Refresh tokens are never fresh.
   *
   * @example
   * ```ts
   * tokens.createRefreshToken('alice');
   * ```
   */
  createRefreshToken(identity: string | object, options: CreateRefreshTokenOptions = {}): string {
    return this.mintNow(identity, 'refresh', false, tokenLifetime(options, this.settings.refreshTokenTtl), options);
  }

  /**
   * Creates a token of one of your `tokenTypes` (a password reset link, an email verification, an MFA step): accepted
   * only by a guard made for that type (`TokenTypeGuard.for(type)`), never where an access or refresh token belongs.
   * Its lifetime is the access-token lifetime unless `expiresIn` says otherwise.
   *
   * @example
   * ```ts
   * // AuthModule.forRoot({ secret, tokenTypes: ['password_reset'] })
   * const link = `https://example.com/reset?token=${tokens.createToken('password_reset', userId, { expiresIn: '15m' })}`;
   * ```
   */
  createToken(type: string, identity: string | object, options: CreateTokenOptions = {}): string {
    return this.mintNow(
      identity,
      this.customType(type),
      false,
      tokenLifetime(options, this.settings.accessTokenTtl),
      options,
    );
  }

  /**
   * {@link createAccessToken} for every configuration, async `additionalClaims` / `additionalHeaders` loaders included.
   *
   * @example
   * ```ts
   * const token = await tokens.createAccessTokenAsync(user, { fresh: true });
   * ```
   */
  createAccessTokenAsync(identity: string | object, options: CreateAccessTokenOptions = {}): Promise<string> {
    return this.mintLater(() =>
      this.mint(
        identity,
        'access',
        options.fresh ?? false,
        tokenLifetime(options, this.settings.accessTokenTtl),
        options,
      ),
    );
  }

  /**
   * {@link createRefreshToken} for every configuration, async loaders included.
   *
   * @example
   * ```ts
   * const token = await tokens.createRefreshTokenAsync(user);
   * ```
   */
  createRefreshTokenAsync(identity: string | object, options: CreateRefreshTokenOptions = {}): Promise<string> {
    return this.mintLater(() =>
      this.mint(identity, 'refresh', false, tokenLifetime(options, this.settings.refreshTokenTtl), options),
    );
  }

  /**
   * {@link createToken} for every configuration, async loaders included.
   *
   * @example
   * ```ts
   * const token = await tokens.createTokenAsync('email_verification', user, { expiresIn: '1d' });
   * ```
   */
  createTokenAsync(type: string, identity: string | object, options: CreateTokenOptions = {}): Promise<string> {
    return this.mintLater(() =>
      this.mint(identity, this.customType(type), false, tokenLifetime(options, this.settings.accessTokenTtl), options),
    );
  }

  /**
   * The identity string of `input`: `input` itself when it is a string, else what the `identityOf` option makes of it
   * (Flask-JWT-Extended's `user_identity_loader`).
   *
   * @example
   * ```ts
   * tokens.identityOf(user); // 'u-42', with identityOf: (user: User) => user.id
   * ```
   */
  identityOf(input: string | object): string {
    return this.identify(input).identity;
  }

  /**
   * Verifies a token with exactly the rules the guards use and returns its claims.
   * Throws {@link AuthError} with a stable `code` when the token is refused.
   *
   * @example
   * ```ts
   * const claims = tokens.verifyToken(raw, { type: 'refresh' });
   * const old = tokens.verifyToken(raw, { allowExpired: true });
   * ```
   */
  verifyToken<T extends object = Record<string, unknown>>(
    token: string,
    options: VerifyTokenOptions = {},
  ): JwtClaims & T {
    if (options.checkRevocation === true) {
      throw new TypeError('nest-jwt-extended: checkRevocation asks the revocation store; use verifyTokenAsync()');
    }
    const verified = this.verifier.verify(token, { type: options.type }, options.allowExpired ?? false);
    if (verified instanceof Promise) {
      verified.catch(() => undefined);
      throw new TypeError('nest-jwt-extended: this token needs a key from the remote JWKS; use verifyTokenAsync()');
    }
    return verified.claims as JwtClaims & T;
  }

  /**
   * {@link verifyToken} for every configuration, a remote JWKS included (its keys may have to be fetched first). With
   * `checkRevocation: true` the revocation store is asked too (`token_revoked`, or 503 `revocation_unavailable`).
   *
   * @example
   * ```ts
   * const claims = await tokens.verifyTokenAsync(raw, { type: 'access' });
   * const live = await tokens.verifyTokenAsync(raw, { checkRevocation: true }); // a raw token outside a request
   * ```
   */
  async verifyTokenAsync<T extends object = Record<string, unknown>>(
    token: string,
    options: VerifyTokenOptions = {},
  ): Promise<JwtClaims & T> {
    const verified = await this.verifier.verify(token, { type: options.type }, options.allowExpired ?? false);
    if (options.checkRevocation === true) {
      if (this.revocationCheck === undefined) throw new TypeError('nest-jwt-extended: no revocation store is set up');
      await this.revocationCheck(verified);
    }
    return verified.claims as JwtClaims & T;
  }

  private customType(type: string): string {
    if (type === 'access' || type === 'refresh') {
      throw new TypeError(
        `nest-jwt-extended: createToken is for your own tokenTypes; use create${type === 'access' ? 'Access' : 'Refresh'}Token`,
      );
    }
    if (!this.settings.tokenTypes.has(type)) {
      throw new TypeError(`nest-jwt-extended: token type "${type}" is not declared in the tokenTypes option`);
    }
    return type;
  }

  private mintNow(
    input: string | object,
    type: string,
    fresh: boolean | number,
    ttl: number | false,
    options: CreateRefreshTokenOptions,
  ): string {
    const token = this.mint(input, type, fresh, ttl, options);
    if (typeof token === 'string') return token;
    token.catch(() => undefined);
    throw new TypeError(
      'nest-jwt-extended: the additionalClaims or additionalHeaders loader is async; use the *Async methods of ' +
        'TokenService (createAccessTokenAsync, ...) or SessionService',
    );
  }

  private async mintLater(mint: () => string | Promise<string>): Promise<string> {
    return mint();
  }

  /** Runs the loaders, then signs: at once when they answer synchronously, after them when one is async. */
  private mint(
    input: string | object,
    type: string,
    fresh: boolean | number,
    ttl: number | false,
    options: CreateRefreshTokenOptions,
  ): string | Promise<string> {
    const { identity, user } = this.identify(input);
    const context = user === undefined ? { type } : { type, user };
    const claims = this.settings.claimsLoader?.(identity, context);
    const headers = this.settings.headersLoader?.(identity, context);
    if (claims instanceof Promise || headers instanceof Promise) {
      return Promise.all([claims, headers]).then(([loadedClaims, loadedHeaders]) =>
        this.sign(identity, type, fresh, ttl, options, loadedClaims, loadedHeaders),
      );
    }
    return this.sign(identity, type, fresh, ttl, options, claims, headers);
  }

  private identify(input: string | object): { identity: string; user?: unknown } {
    if (typeof input === 'string') return { identity: input };
    // An object needs the identityOf option; without it, the same refusal as any other non-string.
    if (this.settings.identityOf === undefined || input === null || typeof input !== 'object') {
      throw new TypeError('nest-jwt-extended: identity must be a non-empty string');
    }
    return { identity: this.settings.identityOf(input), user: input };
  }

  /** Builds the claims and the header (in `claims-builder.ts`), then signs them. */
  private sign(
    identity: string,
    type: string,
    fresh: boolean | number,
    ttl: number | false,
    options: CreateRefreshTokenOptions,
    loadedClaims?: Record<string, unknown>,
    loadedHeaders?: Record<string, unknown>,
  ): string {
    assertIdentity(identity);
    const signing = this.settings.signingKey;
    if (signing === undefined) {
      throw new TypeError(
        'nest-jwt-extended: no signing key is configured (give "secret" or "privateKey"); this module only verifies',
      );
    }
    const claims = buildClaims(
      this.settings,
      { identity, type, fresh, ttl, iat: epochSeconds(this.verifier.now) },
      options,
      loadedClaims,
    );
    const header = buildProtectedHeader(signing, loadedHeaders, options.additionalHeaders);
    return encodeCompactJws(header, claims, JWS_ALGORITHMS[signing.algorithm], signing.key);
  }
}
