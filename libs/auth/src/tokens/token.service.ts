import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { RESERVED_CLAIMS } from './reserved-claims.js';
import { toLifetimeSeconds } from './token-lifetime.js';
import type { TokenSettings } from './token-settings.js';
import type { JwtClaims } from './jwt-claims.interface.js';
import type {
  CreateAccessTokenOptions,
  CreateRefreshTokenOptions,
  CreateTokenOptions,
  VerifyTokenOptions,
} from './token-options.interface.js';
import { TokenVerifier } from './token-verifier.js';
import { encodeCompactJws } from '../jws/compact-jws.js';
import { JWS_ALGORITHMS } from '../jws/jws-algorithm.js';
import { hasControlCharacters } from './control-characters.js';
import { epochSeconds } from '../util/epoch-seconds.js';

const RESERVED_HEADERS: ReadonlySet<string> = new Set(['alg', 'typ', 'kid', 'crit', 'jku', 'jwk', 'x5u', 'x5c']);

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
  private readonly reservedClaims: ReadonlySet<string>;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: TokenSettings,
    private readonly verifier: TokenVerifier,
  ) {
    this.reservedClaims = new Set([...RESERVED_CLAIMS, settings.identityClaim]);
  }

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
      this.ttl(options, this.settings.accessTokenTtl),
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
    return this.mintNow(identity, 'refresh', false, this.ttl(options, this.settings.refreshTokenTtl), options);
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
      this.ttl(options, this.settings.accessTokenTtl),
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
      this.mint(identity, 'access', options.fresh ?? false, this.ttl(options, this.settings.accessTokenTtl), options),
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
      this.mint(identity, 'refresh', false, this.ttl(options, this.settings.refreshTokenTtl), options),
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
      this.mint(identity, this.customType(type), false, this.ttl(options, this.settings.accessTokenTtl), options),
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
    const verified = this.verifier.verify(token, { type: options.type }, options.allowExpired ?? false);
    if (verified instanceof Promise) {
      verified.catch(() => undefined);
      throw new TypeError('nest-jwt-extended: this token needs a key from the remote JWKS; use verifyTokenAsync()');
    }
    return verified.claims as JwtClaims & T;
  }

  /**
   * {@link verifyToken} for every configuration, a remote JWKS included (its keys may have to be fetched first).
   *
   * @example
   * ```ts
   * const claims = await tokens.verifyTokenAsync(raw, { type: 'access' });
   * ```
   */
  async verifyTokenAsync<T extends object = Record<string, unknown>>(
    token: string,
    options: VerifyTokenOptions = {},
  ): Promise<JwtClaims & T> {
    return (await this.verifier.verify(token, { type: options.type }, options.allowExpired ?? false))
      .claims as JwtClaims & T;
  }

  private ttl(options: CreateRefreshTokenOptions, configured: number | false): number | false {
    return options.expiresIn === undefined ? configured : toLifetimeSeconds(options.expiresIn, 'expiresIn');
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

  private sign(
    identity: string,
    type: string,
    fresh: boolean | number,
    ttl: number | false,
    {
      additionalClaims,
      additionalHeaders,
      baseClaims,
      sessionId,
      authTime,
      jti,
      notAfter,
      csrf,
    }: CreateRefreshTokenOptions,
    loadedClaims?: Record<string, unknown>,
    loadedHeaders?: Record<string, unknown>,
  ): string {
    if (typeof identity !== 'string' || identity.length === 0) {
      throw new TypeError('nest-jwt-extended: identity must be a non-empty string');
    }
    // The verifier refuses such an identity (it could be echoed into a page or a log), so never mint one.
    if (hasControlCharacters(identity)) {
      throw new TypeError('nest-jwt-extended: identity must not contain control characters');
    }
    const signing = this.settings.signingKey;
    if (signing === undefined) {
      throw new TypeError(
        'nest-jwt-extended: no signing key is configured (give "secret" or "privateKey"); this module only verifies',
      );
    }
    const iat = epochSeconds();
    const claims: Record<string, unknown> = {};
    // Carried claims first, then the loader's, then the caller's: the most specific wins.
    this.addClaims(claims, baseClaims, 'baseClaims');
    this.addClaims(claims, loadedClaims, 'the additionalClaims loader');
    this.addClaims(claims, additionalClaims, 'additionalClaims');
    Object.assign(claims, {
      [this.settings.identityClaim]: identity,
      iat,
      nbf: iat,
      jti: jti ?? randomUUID(),
      type,
      fresh: freshClaim(fresh, iat),
      sid: sessionId ?? randomUUID(),
      auth_time: authTime ?? iat,
    });
    // The double-submit value: a cookie-borne token is only honoured on an unsafe method beside a header carrying it.
    if (this.settings.csrfClaim) claims.csrf = csrf ?? randomUUID();
    if (ttl !== false) claims.exp = iat + ttl;
    if (notAfter !== undefined) claims.exp = Math.min((claims.exp as number | undefined) ?? notAfter, notAfter);
    if (this.settings.issuer !== undefined) claims.iss = this.settings.issuer;
    if (this.settings.audience !== undefined) claims.aud = this.settings.audience;
    const header: Record<string, unknown> = {};
    for (const source of [loadedHeaders, additionalHeaders]) {
      for (const [name, value] of Object.entries(source ?? {})) {
        if (RESERVED_HEADERS.has(name)) {
          throw new TypeError(`nest-jwt-extended: additionalHeaders must not set the reserved header "${name}"`);
        }
        header[name] = value;
      }
    }
    const protectedHeader = {
      ...header,
      alg: signing.algorithm,
      typ: 'JWT',
      ...(signing.kid !== undefined && { kid: signing.kid }),
    };
    return encodeCompactJws(protectedHeader, claims, JWS_ALGORITHMS[signing.algorithm], signing.key);
  }

  private addClaims(claims: Record<string, unknown>, source: Record<string, unknown> | undefined, from: string): void {
    if (source === undefined || source === null) return;
    if (typeof source !== 'object' || Array.isArray(source)) {
      throw new TypeError(`nest-jwt-extended: ${from} must give an object of claims`);
    }
    for (const [name, value] of Object.entries(source)) {
      if (this.reservedClaims.has(name)) {
        throw new TypeError(`nest-jwt-extended: ${from} must not set the reserved claim "${name}"`);
      }
      // Our verifier refuses these names (prototype pollution downstream), so a token carrying them would be useless.
      if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
        throw new TypeError(`nest-jwt-extended: ${from} cannot carry a claim named "${name}"`);
      }
      claims[name] = value;
    }
  }
}

function freshClaim(fresh: boolean | number, iat: number): boolean | number {
  if (typeof fresh === 'boolean') return fresh;
  if (typeof fresh === 'number' && Number.isFinite(fresh) && fresh >= 0) return iat + Math.floor(fresh);
  throw new TypeError('nest-jwt-extended: fresh must be true, false or a number of seconds >= 0');
}
