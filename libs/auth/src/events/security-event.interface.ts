/**
 * The kinds of security event: a session started (`login`), an access token refreshed (`refresh`), a refresh token
 * rotated (`rotation`), a consumed refresh token presented again (`refresh_token_reused`: theft is assumed and the
 * session is revoked), a token, session or user revoked, a request refused (`refused`, with its `code`), a session
 * stepped up after a re-authentication (`step_up`), a token introspected (`introspection`, RFC 7662: with the client's
 * id and whether the token was `active`, never the token), a failed login (`login_failed`) and a login attempt refused
 * by the throttle (`login_throttled`), both with the username and the client address.
 */
export type SecurityEventType =
  | 'login'
  | 'refresh'
  | 'rotation'
  | 'refresh_token_reused'
  | 'token_revoked'
  | 'session_revoked'
  | 'user_revoked'
  | 'refused'
  | 'step_up'
  | 'introspection'
  | 'login_failed'
  | 'login_throttled';

/**
 * One security event, for an audit log or an alert. It names who and which session, never a token, a secret or a
 * CSRF value: it is safe to log as it is.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, onEvent: (event) => logger.log(JSON.stringify(event)) });
 * // { "type": "login", "identity": "alice", "sessionId": "5f0c...", "at": 1767312000 }
 * ```
 */
export interface SecurityEvent {
  readonly type: SecurityEventType;
  /** Epoch seconds. */
  readonly at: number;
  /** The user concerned, when known. */
  readonly identity?: string;
  /** The session concerned, when known. */
  readonly sessionId?: string;
  /** The id (`jti`) of the token concerned: an identifier, not the token. */
  readonly tokenId?: string;
  /** For `refused` (and `refresh_token_reused`): the refusal's machine code. */
  readonly code?: string;
  /** For `refused`: the HTTP status of the refusal, before any `errorFormat`. */
  readonly status?: number;
  /** For `introspection`: the client that asked (its configured id). */
  readonly clientId?: string;
  /** For `introspection`: whether the token was active. */
  readonly active?: boolean;
  /** For `login_failed` and `login_throttled`: the username tried (at most 256 characters), never the password. */
  readonly username?: string;
  /** For `login_failed` and `login_throttled`: the client address, as the app's request reports it. */
  readonly address?: string;
  /** For `login_throttled`: seconds until an attempt may pass again, as sent in `Retry-After`. */
  readonly retryAfter?: number;
}

/** The `@nestjs/event-emitter` event name of each type: `auth.login`, `auth.refused`, ... */
export const SECURITY_EVENT_PREFIX = 'auth.';
