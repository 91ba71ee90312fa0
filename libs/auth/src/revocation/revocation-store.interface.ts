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

/** Input of {@link RevocationStore.rotateRefreshToken}. */
export interface RotationRequest {
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
}

/**
 * Where revocations and refresh-token rotation state live. Implement it to keep them elsewhere than in memory
 * or Redis, and pass an instance as the `revocationStore` option; inject the store in use with
 * `@Inject(RevocationStore)`.
 *
 * Every method must either succeed or reject: a store that cannot write must not pretend it did.
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
   * Stores a revocation and announces it to every subscriber, in one step. Resolves with the revocation as stored:
   * for a user, with the `sessionIds` it ended, so the caller's view can enforce them at once.
   */
  revoke(revocation: Revocation): Promise<Revocation>;
  /** Every revocation still in force, to fill a local view. */
  list(): Promise<Revocation[]>;
  /** Follows revocations made by any instance. Resolves with a function that stops following. */
  subscribe(feed: RevocationFeed): Promise<() => Promise<void>>;
  /** Records that `sessionId` belongs to `identity`, so that revoking the user ends it. */
  registerSession(identity: string, sessionId: string, expiresAt: number): Promise<void>;
  /** Consumes a refresh token of a session, atomically: concurrent calls with one token succeed once. */
  rotateRefreshToken(request: RotationRequest): Promise<RotationOutcome>;
  /** Releases what the store opened itself (never a client it was given). */
  close?(): Promise<void>;
}

/** Injection token of the {@link RevocationStore} in use. */
export const RevocationStore = Symbol('RevocationStore');
