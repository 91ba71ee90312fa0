import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { RevocationSettings } from './revocation-settings.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { RevocationStore, type Revocation, type RevocationFeed } from './revocation-store.interface.js';
import type { StoreHealth } from './call-store.js';
import { RecentRevocations } from './recent-revocations.js';
import { RevocationSync } from './revocation-sync.js';
import { withTimeout } from './with-timeout.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { AuthClock, nowOf } from '../util/auth-clock.js';
import type { TokenRequest } from '../request/token-request.js';
import { sessionIdOf } from './token-session.js';

/** How often entries past their window are dropped. */
const SWEEP_EVERY_MS = 60_000;
/** The most revocation listeners a view takes: one per kind of connection tracked, never one per connection. */
export const MAX_REVOCATION_LISTENERS = 16;

/** Told of each revocation the view applies; see {@link RevocationView.onRevocation}. */
export type RevocationListener = (revocation: Revocation) => void;

/**
 * This instance's copy of the recent revocations: revoked `jti`s, revoked sessions, and per-user valid-after times,
 * each kept only while it can still refuse a live access token, i.e. until
 * `min(expiresAt, revokedAt + revocationWindow)` (the access-token lifetime plus leeway plus a 60 s clock margin).
 * Memory is therefore proportional to the revocations of the last window, never to the refresh-token lifetime.
 *
 * A token issued before a revocation and still alive after that revocation's window must live longer than the access
 * window (`exp - iat > accessWindow`): refresh tokens, long-lived or foreign access tokens. Only those are also asked
 * about in the store (one bounded round trip); every other token is checked with three lookups and no I/O.
 *
 * Loaded from the store at start-up and after every reconnection of its feed, kept current by the feed. When the feed
 * drops, checks go on answering from the view as it was, synchronously, for at most `revocationMaxStaleness`; past
 * it they answer 503 `revocation_unavailable` at once, with a `Retry-After` (or from the view still, with
 * `revocationFailOpen`), until a complete reload puts the view back in sync. The reload, one at a time and retried
 * with a backoff, is the one probe that finds the store back: while the store is known down, nothing else is sent to
 * it (store checks of long-lived tokens and the services' writes fail at once, see {@link storeDown}). Before the
 * first complete load (start-up) there is no last view: checks wait (bounded) for it, as they do after a drop when
 * the staleness bound is 0.
 *
 * The view decides; it composes the cache of recent revocations ({@link RecentRevocations}) and the state machine that
 * keeps it in sync with the store ({@link RevocationSync}).
 */
@Injectable()
export class RevocationView implements RevocationFeed, StoreHealth, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationView');
  private readonly recent: RecentRevocations;
  private readonly sync: RevocationSync;
  private readonly accessWindow: number;
  private readonly listeners = new Set<RevocationListener>();
  private unsubscribe?: () => Promise<void>;
  private sweeper?: NodeJS.Timeout;
  /** The clock (ms) revocation windows are judged by: `Date.now` unless an `AuthClock` is provided. */
  readonly now: () => number;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: RevocationSettings,
    @Inject(RevocationStore) private readonly store: RevocationStore,
    @Optional() @Inject(AuthClock) clock?: AuthClock,
  ) {
    this.now = nowOf(clock);
    this.recent = new RecentRevocations(settings.revocationWindow, this.now);
    this.sync = new RevocationSync(settings, store, this, this.now);
    this.accessWindow = settings.accessWindow;
  }

  /** Follows the store; waits (bounded) for the first load so a normal start-up serves requests in sync. */
  async onModuleInit(): Promise<void> {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS).unref();
    this.unsubscribe = await withTimeout(
      this.store.subscribe(this),
      this.settings.revocationTimeoutMs,
      'Revocation store (subscribe)',
    );
    await this.sync.whenInSync(this.settings.revocationTimeoutMs);
    // The store says why (RedisRevocationStore: where Redis is and its error); this says what follows.
    if (!this.sync.inSync)
      this.logger.warn(
        `Revocation store not loaded at start-up; guarded requests wait up to ${this.settings.revocationTimeoutMs} ms ` +
          'for it, then answer 503 revocation_unavailable',
      );
  }

  async onApplicationShutdown(): Promise<void> {
    this.sync.stop();
    clearInterval(this.sweeper);
    await this.unsubscribe?.().catch(() => undefined);
    await this.store.close?.().catch(() => undefined);
  }

  /**
   * Throws `token_revoked`, or `revocation_unavailable` when the revocation state cannot be trusted in time.
   * Synchronous for a token that lives no longer than the access window; a promise for the others (store check), while
   * the view catches up, or with an `isTokenRevoked` callback, which is given `request`.
   */
  assertNotRevoked(token: VerifiedToken, request?: TokenRequest): void | Promise<void> {
    if (!this.sync.inSync) return this.checkOutOfSync(token, request);
    return this.check(token, request);
  }

  /**
   * Throws `token_revoked` when the view or the store (authoritative, always asked) holds a revocation of the token,
   * its session or its user; 503 `revocation_unavailable` when the store cannot answer in time (unless
   * `revocationFailOpen`). For a raw token judged outside a request (`TokenService.verifyTokenAsync` with
   * `checkRevocation`, introspection): one bounded round trip, so a revocation made on another instance counts at once.
   */
  async assertNotRevokedInStore(token: VerifiedToken): Promise<void> {
    if (this.isRevoked(token)) throw revoked();
    await this.askStore(token);
  }

  /**
   * True when the view holds a revocation of the token, of its session (its `sid`, or its own `jti` for a token
   * without one), or of every token of its user issued before now. Local only: see {@link assertNotRevoked}.
   */
  isRevoked(token: VerifiedToken): boolean {
    return this.recent.isRevoked(token);
  }

  /**
   * Applies a revocation; called by the feed, by a reload, and by this instance right after it stored one. One whose
   * window is already over is not kept: the store answers for it. The listeners are told after it is applied.
   */
  revoked(revocation: Revocation): void {
    this.recent.add(revocation);
    if (this.listeners.size > 0) this.tell(revocation);
  }

  /**
   * Calls `listener` after each revocation this view applies: from the feed (any instance), from a reload (after a
   * reconnection, again for revocations it may have missed), and from this instance. For connections that outlive a
   * request (sockets), so that a logout closes them within a second. Bounded: at most
   * {@link MAX_REVOCATION_LISTENERS}; a listener that throws is logged and kept. Returns the function that removes it.
   *
   * @example
   * ```ts
   * const stop = view.onRevocation((revocation) => closeSocketsOf(revocation));
   * ```
   */
  onRevocation(listener: RevocationListener): () => void {
    if (this.listeners.size >= MAX_REVOCATION_LISTENERS)
      throw new Error(`RevocationView takes at most ${MAX_REVOCATION_LISTENERS} revocation listeners`);
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The feed went down or came back; see {@link RevocationSync.connectionChanged}. */
  connectionChanged(connected: boolean): void {
    this.sync.connectionChanged(connected);
  }

  /** The store is known down: store calls fail at once. See {@link RevocationSync.storeDown}. */
  get storeDown(): boolean {
    return this.sync.storeDown;
  }

  /** Seconds a client should wait before trying again (`Retry-After`). See {@link RevocationSync.retryAfterSeconds}. */
  retryAfterSeconds(): number {
    return this.sync.retryAfterSeconds();
  }

  /** The 503 of a store call made while {@link storeDown}, or after it failed. */
  unavailable(message?: string): AuthError {
    return this.sync.unavailable(message);
  }

  /** How many entries the view holds (for tests and metrics). */
  get size(): number {
    return this.recent.size;
  }

  /** Drops every entry whose window is over at `now` (epoch seconds); runs every minute. */
  sweep(now = epochSeconds(this.now)): void {
    this.recent.sweep(now);
  }

  private tell(revocation: Revocation): void {
    for (const listener of this.listeners) {
      try {
        listener(revocation);
      } catch (error) {
        this.logger.error(`A revocation listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /**
   * The decision, once the view can answer: refused when the view holds a revocation of the token; then, for a token
   * that may outlive the view's window, the store's answer; then the `isTokenRevoked` callback, if any.
   */
  private check(token: VerifiedToken, request?: TokenRequest): void | Promise<void> {
    if (this.isRevoked(token)) throw revoked();
    // Written so that a token without exp or iat (NaN) counts as long-lived.
    if (!(token.claims.exp - token.claims.iat <= this.accessWindow)) return this.askStore(token, request);
    if (this.settings.isTokenRevoked) return this.askCallback(token, request);
  }

  /** The view is out of sync: the last view answers, the check waits (bounded) for it, or 503 at once. */
  private checkOutOfSync(token: VerifiedToken, request?: TokenRequest): void | Promise<void> {
    switch (this.sync.outOfSync()) {
      case 'last-view':
        return this.check(token, request);
      case 'wait':
        return this.checkWhenInSync(token, request);
      case 'refuse':
        throw this.unavailable();
    }
  }

  private async checkWhenInSync(token: VerifiedToken, request?: TokenRequest): Promise<void> {
    await this.sync.whenInSync(this.settings.revocationTimeoutMs);
    if (!this.sync.inSync) throw this.unavailable();
    await this.check(token, request);
  }

  /** The store's answer for a token that may outlive the view's window: one round trip, bounded. */
  private async askStore(token: VerifiedToken, request?: TokenRequest): Promise<void> {
    const { claims, identity } = token;
    let answer: boolean;
    if (this.storeDown) {
      // Only the reload probes a store known down: no request waits on it, none piles up on it.
      if (!this.settings.revocationFailOpen) throw this.unavailable();
      if (this.settings.isTokenRevoked) await this.askCallback(token, request);
      return;
    }
    try {
      answer = await withTimeout(
        this.store.isRevoked({ jti: claims.jti, sessionId: sessionIdOf(claims), identity, issuedAt: claims.iat }),
        this.settings.revocationTimeoutMs,
        'Revocation store (isRevoked)',
      );
    } catch {
      if (!this.settings.revocationFailOpen) throw this.unavailable();
      answer = false;
    }
    if (answer) throw revoked();
    if (this.settings.isTokenRevoked) await this.askCallback(token, request);
  }

  private async askCallback({ claims, header }: VerifiedToken, request?: TokenRequest): Promise<void> {
    let answer: boolean;
    try {
      answer = await withTimeout(
        Promise.resolve(this.settings.isTokenRevoked!(claims, header, request)),
        this.settings.revocationTimeoutMs,
        'isTokenRevoked',
      );
    } catch {
      if (this.settings.revocationFailOpen) return;
      throw this.unavailable();
    }
    if (answer) throw revoked();
  }
}

function revoked(): AuthError {
  return AuthError.invalid(AuthErrorCode.TokenRevoked, 'Token has been revoked');
}
