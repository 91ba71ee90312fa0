/** What a revocation applies to. */
export type RevocationKind = 'token' | 'session' | 'user';

/**
 * One revocation. `id` is a `jti`, a session id (`sid`) or an identity. `expiresAt` (epoch seconds) is when the last
 * token it concerns expires: after that the entry is dead and the store may drop it.
 */
export interface Revocation {
  kind: RevocationKind;
  id: string;
  expiresAt: number;
  /**
   * When it was made, in epoch seconds. A store fills it in when it is missing, and every revocation a store returns
   * or delivers carries it: a local view keeps an entry only until no live access token issued before it can remain.
   */
  revokedAt?: number;
  /** For `user`: tokens issued (`iat`) before this epoch second are refused. */
  validAfter?: number;
  /** For `user`: the sessions of that user that were ended with it. */
  sessionIds?: string[];
}

/** What a store tells the local views of every instance. */
export interface RevocationFeed {
  /** A revocation was stored, by any instance. */
  revoked(revocation: Revocation): void;
  /** The feed's connection went down (revocations may be missed) or came back (the view reloads). */
  connectionChanged(connected: boolean): void;
}

/** The outcome of presenting a refresh token to a store for rotation. */
export type RotationOutcome =
  /** The presented token was the session's current one: `nextJti` is now current. */
  | 'rotated'
  /** The immediately previous token came back within the grace window: `nextJti` is now current. */
  | 'grace'
  /** An older or already used token came back: the session has been revoked. */
  | 'reused'
  /** The session had already been revoked. */
  | 'revoked';

/** Input of {@link RevocationStore.replaceRefreshToken}. */
export interface RefreshTokenReplacement {
  /** The session (family) id. */
  sessionId: string;
  /** The `jti` the session's new refresh token carries: from now on the only one a rotation accepts. */
  nextJti: string;
  /** Epoch seconds after which the session's state may be dropped. */
  sessionExpiresAt: number;
  /** Epoch milliseconds, the caller's clock. */
  now: number;
}

/** Input of {@link RevocationStore.rotateRefreshToken}. */
export interface RotationRequest {
  /** The session (family) id: the token's `sid`, or its own `jti` for a token minted without a session. */
  sessionId: string;
  /** The `jti` of the refresh token presented. */
  presentedJti: string;
  /** The `jti` the new refresh token will carry. */
  nextJti: string;
  /** Milliseconds during which the previous token may be presented again; 0 for none. */
  graceMs: number;
  /** Epoch seconds after which the session's state may be dropped. */
  sessionExpiresAt: number;
  /** Epoch milliseconds, the caller's clock. */
  now: number;
  /** Seconds a revocation made by this call (a detected reuse) must stay in {@link RevocationStore.listRecent}. */
  recentFor: number;
}

/** One token, as {@link RevocationStore.isRevoked} is asked about it. */
export interface RevocationQuery {
  /** The token's `jti`. */
  jti: string;
  /** The token's session (family) id, when it has one. */
  sessionId?: string;
  /** The token's identity. */
  identity: string;
  /** The token's `iat`, epoch seconds. */
  issuedAt: number;
}

/** A login, as `SessionService` records it and `listSessions` returns it. Times are epoch seconds. */
export interface SessionRecord {
  sessionId: string;
  identity: string;
  createdAt: number;
  /** The last refresh of the session, if any. */
  lastRefreshedAt?: number;
  /** When the session ends at the latest (its absolute lifetime, or its refresh token's expiry). */
  expiresAt: number;
  /** What the app passed at login (user agent, IP address, ...): short strings, never a secret. */
  metadata?: Record<string, string>;
}

/** The most sessions a store lists for one user (the newest); older ones are still ended by `revokeUser`'s valid-after. */
export const MAX_LISTED_SESSIONS = 1000;

/**
 * Where revocations, sessions and rotation state live. Implement it to keep them elsewhere than in memory or Redis,
 * and pass an instance as the `revocationStore` option; inject the store in use with `@Inject(RevocationStore)`.
 *
 * The store is authoritative. Each instance keeps a local view of the recent revocations only (those that can still
 * refuse a live access token), filled by {@link listRecent} and kept current by {@link subscribe}; tokens that can
 * outlive that window (refresh tokens) are checked with {@link isRevoked}.
 *
 * Every method must either succeed or reject: a store that cannot write must not pretend it did. Every read must be
 * bounded in size: pages, limits.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, revocationStore: new RedisRevocationStore({ url: 'redis://127.0.0.1:6379' }) });
 *
 * constructor(@Inject(RevocationStore) private readonly store: RevocationStore) {}
 * ```
 */
export interface RevocationStore {
  /**
   * Stores a revocation and announces it to every subscriber. Resolves with the revocation as stored (with
   * `revokedAt`; for a user, with the `sessionIds` it ended, so the caller's view can enforce them at once). It stays
   * in {@link listRecent} for `recentFor` seconds after `revokedAt` (or until it expires, if sooner).
   */
  revoke(revocation: Revocation, recentFor: number): Promise<Revocation>;
  /**
   * The revocations made at or after `since` (epoch seconds) that are still in force, in pages of at most `pageSize`
   * entries. A revocation may come twice; applying one twice is harmless.
   */
  listRecent(since: number, pageSize: number): AsyncIterable<Revocation[]>;
  /** Whether a revocation in force refuses this token: its `jti`, its session, or its user's valid-after. */
  isRevoked(query: RevocationQuery): Promise<boolean>;
  /** Follows revocations made by any instance. Resolves with a function that stops following. */
  subscribe(feed: RevocationFeed): Promise<() => Promise<void>>;
  /** Records a new session, so that revoking the user ends it and `listSessions` shows it. */
  registerSession(session: SessionRecord): Promise<void>;
  /** Sets a recorded session's `lastRefreshedAt` (epoch seconds); does nothing for a session it does not know. */
  touchSession(identity: string, sessionId: string, at: number): Promise<void>;
  /** The user's sessions that are neither expired nor revoked, newest first, at most `limit` of them. */
  listSessions(identity: string, limit: number): Promise<SessionRecord[]>;
  /** Consumes a refresh token of a session, atomically: concurrent calls with one token succeed once. */
  rotateRefreshToken(request: RotationRequest): Promise<RotationOutcome>;
  /**
   * Makes `nextJti` the session's one current refresh token, whatever was current, atomically (a step-up under
   * rotation): the replaced token gets no grace, so presenting it again reads as reuse. `'revoked'` when the session is
   * revoked or closed by a detected reuse. Optional: without it, a step-up under rotation mints no refresh token.
   */
  replaceRefreshToken?(request: RefreshTokenReplacement): Promise<'replaced' | 'revoked'>;
  /** Releases what the store opened itself (never a client it was given). */
  close?(): Promise<void>;
}

/** Injection token of the {@link RevocationStore} in use. */
export const RevocationStore = Symbol('RevocationStore');
