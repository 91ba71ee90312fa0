import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { RESERVED_CLAIMS } from './reserved-claims.js';
import { toLifetimeSeconds } from './token-lifetime.js';
import type { TokenSettings } from './token-settings.js';
import type { JwtClaims, TokenType } from './jwt-claims.interface.js';
import type {
  CreateAccessTokenOptions,
  CreateRefreshTokenOptions,
  VerifyTokenOptions,
} from './token-options.interface.js';
import { TokenVerifier } from './token-verifier.js';
import { encodeCompactJws } from '../jws/compact-jws.js';
import { JWS_ALGORITHMS } from '../jws/jws-algorithm.js';
import { hasControlCharacters } from './control-characters.js';
import { epochSeconds } from '../epoch-seconds.js';

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
   * Creates an access token for `identity`. Pass `fresh: true` when the user has just given credentials.
   *
   * @example
   * ```ts
   * tokens.createAccessToken('alice', { fresh: true });
   * tokens.createAccessToken('alice', { fresh: 15 * 60, additionalClaims: { roles: ['admin'] } });
   * ```
   */
  createAccessToken(identity: string, options: CreateAccessTokenOptions = {}): string {
    const ttl =
      options.expiresIn === undefined
        ? this.settings.accessTokenTtl
        : toLifetimeSeconds(options.expiresIn, 'expiresIn');
    return this.sign(identity, 'access', options.fresh ?? false, ttl, options);
  }

  /**
   * Creates a refresh token for `identity`. Refresh tokens are never fresh.
   *
   * @example
   * ```ts
   * tokens.createRefreshToken('alice');
   * ```
   */
  createRefreshToken(identity: string, options: CreateRefreshTokenOptions = {}): string {
    const ttl =
      options.expiresIn === undefined
        ? this.settings.refreshTokenTtl
        : toLifetimeSeconds(options.expiresIn, 'expiresIn');
    return this.sign(identity, 'refresh', false, ttl, options);
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

  private sign(
    identity: string,
    type: TokenType,
    fresh: boolean | number,
    ttl: number | false,
    { additionalClaims, additionalHeaders, sessionId, authTime, jti, notAfter, csrf }: CreateRefreshTokenOptions,
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
    for (const [name, value] of Object.entries(additionalClaims ?? {})) {
      if (this.reservedClaims.has(name)) {
        throw new TypeError(`nest-jwt-extended: additionalClaims must not set the reserved claim "${name}"`);
      }
      // Our verifier refuses these names (prototype pollution downstream), so a token carrying them would be useless.
      if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
        throw new TypeError(`nest-jwt-extended: additionalClaims cannot carry a claim named "${name}"`);
      }
      claims[name] = value;
    }
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
    for (const [name, value] of Object.entries(additionalHeaders ?? {})) {
      if (RESERVED_HEADERS.has(name)) {
        throw new TypeError(`nest-jwt-extended: additionalHeaders must not set the reserved header "${name}"`);
      }
      header[name] = value;
    }
    const protectedHeader = {
      ...header,
      alg: signing.algorithm,
      typ: 'JWT',
      ...(signing.kid !== undefined && { kid: signing.kid }),
    };
    return encodeCompactJws(protectedHeader, claims, JWS_ALGORITHMS[signing.algorithm], signing.key);
  }
}

function freshClaim(fresh: boolean | number, iat: number): boolean | number {
  if (typeof fresh === 'boolean') return fresh;
  if (typeof fresh === 'number' && Number.isFinite(fresh) && fresh >= 0) return iat + Math.floor(fresh);
  throw new TypeError('nest-jwt-extended: fresh must be true, false or a number of seconds >= 0');
}
