import { Injectable, UnauthorizedException } from '@nestjs/common';
import { SessionService, type TokenPair } from 'nest-jwt-extended';
import { UserStore } from '../users/user-store.service.js';
import type { LoginDto } from './login.dto.js';

/** The longest user agent or address recorded with a session: the client chooses them, the store keeps them. */
const MAX_METADATA_LENGTH = 256;

/** Where the login came from, recorded with the session so that GET /sessions can show it. */
export interface LoginOrigin {
  userAgent?: string;
  ip?: string;
}

/**
 * Credentials in, a new session out: a fresh access token and a refresh token that share its id. Both logins use it:
 * `POST /login` returns the tokens in the body, `POST /web/login` sets them as cookies.
 */
@Injectable()
export class CredentialsLogin {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionService,
  ) {}

  /**
   * `claims`: extra claims for both tokens of the session (the web login's "remember me" choice); `dpopJkt`: the
   * client's DPoP key, when the login carried a proof.
   */
  async login(
    { username, password }: LoginDto,
    { userAgent, ip }: LoginOrigin,
    { claims, dpopJkt }: { claims?: Record<string, unknown>; dpopJkt?: string } = {},
  ): Promise<TokenPair> {
    const identity = await this.users.verifyCredentials(username, password);
    if (identity === undefined) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Bad username or password',
        code: 'invalid_credentials',
      });
    }
    return this.sessions.start(identity, {
      fresh: true,
      // A password login: POST /step-up raises it to "mfa" with a TOTP code (RFC 9470).
      acr: 'pwd',
      amr: ['pwd'],
      ...(claims && { additionalClaims: claims }),
      // Bound to the client's DPoP key when the login carried a proof (POST /login only; cookies stay bearer).
      dpopJkt,
      metadata: {
        ...(userAgent && { userAgent: userAgent.slice(0, MAX_METADATA_LENGTH) }),
        ...(ip && { ip: ip.slice(0, MAX_METADATA_LENGTH) }),
      },
    });
  }
}
