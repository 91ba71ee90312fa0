import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { RevocationSettings } from './revocation-settings.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { RevocationStore, type Revocation, type RevocationFeed } from './revocation-store.interface.js';
import { withTimeout } from './with-timeout.js';
import { CompactJtiSet } from './compact-jti-set.js';
import { epochSeconds } from '../epoch-seconds.js';
import { sessionIdOf } from './token-session.js';

const UNAVAILABLE_MESSAGE = 'Revocation state is unavailable; try again shortly';
/** How often entries past their window are dropped. */
const SWEEP_EVERY_MS = 60_000;
/** Revocations read per `listRecent` page: the most a reload holds in flight, on either side. */
export const RELOAD_PAGE_SIZE = 1000;
/** First wait before a failed reload is tried again; each further failure doubles it. */
export const RELOAD_RETRY_FIRST_MS = 500;
/** The longest wait between two reload attempts. */
export const RELOAD_RETRY_MAX_MS = 30_000;
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
 */
@Injectable()
export class RevocationView implements RevocationFeed, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationView');
  /** Bounded by the revocations of the last window: each entry is dropped at its keep-until by the sweep. */
  private readonly tokens = new CompactJtiSet();
  // Session ids are UUIDs too (SessionService mints them), so they take the same 16-byte slots as jtis: a burst of a
  // million logouts in one window costs about 24 MB here, not the ~100 MB of a Map of strings.
  private readonly sessions = new CompactJtiSet();
  private readonly users = new Map<string, { validAfter: number; keepUntil: number }>();
  private readonly window: number;
  private readonly accessWindow: number;
  /** In sync: the feed is up and a complete reload has run since it (re)connected. */
  private connected = false;
  private feedUp = false;
  /** A complete load has run once: there is a last view to answer from. */
  private everInSync = false;
  /** `performance.now()` until which an out-of-sync view still answers (set when the feed drops while in sync). */
  private staleUntil = 0;
  /** A reload failed since the view was last in sync: the store is known down even if the feed is up. */
  private probeFailed = false;
  /** The staleness bound passed in this outage and was logged. */
  private boundPassedLogged = false;
  /** `performance.now()` at which the waiting retry of a failed reload fires. */
  private retryAt = 0;
  private waiters = new Set<() => void>();
  private unsubscribe?: () => Promise<void>;
  private sweeper?: NodeJS.Timeout;
  /** The reload in flight: at most one at a time. */
  private reloading?: Promise<void>;
  /** The feed reconnected while a reload was in flight: that reload cannot count, another one follows it. */
  private reloadAgain = false;
  private retryTimer?: NodeJS.Timeout;
  /** Failed reloads in a row, for the backoff; reset by a complete one. */
  private failures = 0;
  /** A page the view gave up waiting for: the next reload waits for it to settle, so reads never overlap. */
  private abandonedPage?: Promise<void>;
  private stopped = false;
  private readonly listeners = new Set<RevocationListener>();

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly settings: RevocationSettings,
    @Inject(RevocationStore) private readonly store: RevocationStore,
  ) {
    this.window = settings.revocationWindow;
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
    await this.whenConnected(this.settings.revocationTimeoutMs);
    // The store says why (RedisRevocationStore: where Redis is and its error); this says what follows.
    if (!this.connected)
      this.logger.warn(
        `Revocation store not loaded at start-up; guarded requests wait up to ${this.settings.revocationTimeoutMs} ms ` +
          'for it, then answer 503 revocation_unavailable',
      );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    clearTimeout(this.retryTimer);
    await this.unsubscribe?.().catch(() => undefined);
    await this.store.close?.().catch(() => undefined);
  }

  /**
   * Throws `token_revoked`, or `revocation_unavailable` when the revocation state cannot be trusted in time.
   * Synchronous for a token that lives no longer than the access window; a promise for the others (store check), while
   * the view catches up, or with an `isTokenRevoked` callback.
   */
  assertNotRevoked(token: VerifiedToken): void | Promise<void> {
    if (!this.connected) return this.checkOutOfSync(token);
    if (this.isRevoked(token)) throw revoked();
    // Written so that a token without exp or iat (NaN) counts as long-lived.
    if (!(token.claims.exp - token.claims.iat <= this.accessWindow)) return this.askStore(token);
    if (this.settings.isTokenRevoked) return this.askCallback(token);
  }

  /**
   * True when the view holds a revocation of the token, of its session (its `sid`, or its own `jti` for a token
   * without one), or of every token of its user issued before now. Local only: see {@link assertNotRevoked}.
   */
  isRevoked({ claims, identity }: VerifiedToken): boolean {
    if (this.tokens.has(claims.jti)) return true;
    if (this.sessions.size > 0 && this.sessions.has(sessionIdOf(claims))) return true;
    const user = this.users.get(identity);
    return user !== undefined && claims.iat < user.validAfter;
  }

  /**
   * Applies a revocation; called by the feed, by a reload, and by this instance right after it stored one. One whose
   * window is already over is not kept: the store answers for it. The listeners are told after it is applied.
   */
  revoked(revocation: Revocation): void {
    this.apply(revocation);
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

  private tell(revocation: Revocation): void {
    for (const listener of this.listeners) {
      try {
        listener(revocation);
      } catch (error) {
        this.logger.error(`A revocation listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private apply(revocation: Revocation): void {
    const now = epochSeconds();
    const revokedAt = revocation.revokedAt ?? now;
    const until = Math.min(revocation.expiresAt, revokedAt + this.window);
    if (revocation.kind === 'token' && until > now) this.tokens.add(revocation.id, until);
    if (revocation.kind === 'session' && until > now) this.keepSession(revocation.id, until);
    if (revocation.kind === 'user') {
      for (const id of revocation.sessionIds ?? []) if (until > now) this.keepSession(id, until);
      // A token issued before validAfter may be a live access token until validAfter + window.
      const validAfter = revocation.validAfter ?? 0;
      const keepUntil = Math.min(revocation.expiresAt, Math.max(revokedAt, validAfter) + this.window);
      if (keepUntil <= now) return;
      const previous = this.users.get(revocation.id);
      this.users.set(revocation.id, {
        validAfter: Math.max(previous?.validAfter ?? 0, validAfter),
        keepUntil: Math.max(previous?.keepUntil ?? 0, keepUntil),
      });
    }
  }

  connectionChanged(connected: boolean): void {
    this.feedUp = connected;
    if (!connected) {
      if (this.connected) {
        // The clock starts when the view stops being complete; only a complete reload stops it.
        this.staleUntil = performance.now() + this.settings.revocationMaxStalenessMs;
        this.logger.warn(
          `Revocation feed lost; guarded requests are answered from the last view for at most ` +
            `${this.settings.revocationMaxStalenessMs / 1000} s`,
        );
      }
      this.connected = false;
      return;
    }
    this.startReload();
  }

  /**
   * The instance knows the store is down: the view is out of sync and either its feed dropped after a complete load
   * or a reload failed since. Store calls then fail at once (503 with `Retry-After`) instead of each waiting
   * `revocationTimeoutMs`; the reload alone probes the store. At start-up, before any load, calls are tried.
   */
  get storeDown(): boolean {
    return !this.connected && (this.probeFailed || (!this.feedUp && this.everInSync));
  }

  /**
   * Seconds a client should wait before trying again (`Retry-After`): until the next reload attempt when one is
   * waiting out its backoff, else 1 (the store's client reconnects by itself within about that).
   */
  retryAfterSeconds(): number {
    if (this.retryTimer === undefined) return 1;
    return Math.max(1, Math.ceil((this.retryAt - performance.now()) / 1000));
  }

  /** The 503 of a store call made while {@link storeDown}, or after it failed. */
  unavailable(message = UNAVAILABLE_MESSAGE): AuthError {
    return AuthError.unavailable(message, this.retryAfterSeconds());
  }

  /** How many entries the view holds (for tests and metrics). */
  get size(): number {
    return this.tokens.size + this.sessions.size + this.users.size;
  }

  /** Drops every entry whose window is over at `now` (epoch seconds); runs every minute. */
  sweep(now = epochSeconds()): void {
    this.tokens.sweep(now);
    this.sessions.sweep(now);
    for (const [id, user] of this.users) if (user.keepUntil <= now) this.users.delete(id);
  }

  private keepSession(id: string, until: number): void {
    this.sessions.add(id, until);
  }

  /**
   * Starts a reload unless one is in flight (it is then run again once that one ends) or a retry is already waiting
   * out its backoff (the retry does it).
   */
  private startReload(): void {
    if (this.stopped || !this.feedUp) return;
    if (this.reloading !== undefined) {
      this.reloadAgain = true;
      return;
    }
    if (this.retryTimer !== undefined) return;
    this.reloading = this.reload().finally(() => {
      this.reloading = undefined;
      if (this.reloadAgain) {
        this.reloadAgain = false;
        this.startReload();
      }
    });
  }

  /**
   * Reads the revocations of the last window, page by page. Bounds: one page (at most {@link RELOAD_PAGE_SIZE}
   * revocations) in flight, each awaited at most `revocationTimeoutMs`; one reload at a time. Subscribed first, so a
   * revocation made meanwhile arrives through the feed. Only a complete reload, with the feed up throughout, marks the
   * view in sync; on failure it is tried again after an exponential backoff with jitter.
   */
  private async reload(): Promise<void> {
    this.reloadAgain = false;
    try {
      await this.pageAbandonedBefore();
      const pages = this.store.listRecent(epochSeconds() - this.window, RELOAD_PAGE_SIZE)[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next = pages.next();
          const page = await withTimeout(
            next,
            this.settings.revocationTimeoutMs,
            'Revocation store (listRecent)',
          ).catch((error: unknown) => {
            this.abandonedPage = next.then(
              () => undefined,
              () => undefined,
            );
            throw error;
          });
          if (page.done) break;
          for (const revocation of page.value) this.revoked(revocation);
          if (this.stopped) return;
        }
      } catch (error) {
        // Lets the store release what the read holds (queued behind a page still pending, if any).
        void Promise.resolve(pages.return?.()).catch(() => undefined);
        throw error;
      }
      this.failures = 0;
      if (this.feedUp && !this.reloadAgain) this.markInSync();
    } catch (error) {
      this.failures += 1;
      this.probeFailed = true;
      if (this.failures === 1)
        this.logger.warn(`Revocation reload failed (${error instanceof Error ? error.message : String(error)})`);
      this.scheduleRetry();
    }
  }

  /** Waits for a page given up on to settle (at most the longest backoff), so two reads never run at once. */
  private async pageAbandonedBefore(): Promise<void> {
    const abandoned = this.abandonedPage;
    if (abandoned === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([abandoned, new Promise((resolve) => (timer = setTimeout(resolve, RELOAD_RETRY_MAX_MS)))]);
    clearTimeout(timer);
    if (this.abandonedPage === abandoned) this.abandonedPage = undefined;
  }

  // Retry n waits a random time in [d/2, d], d = min(30 s, 500 ms * 2^(n-1)): instances that lost the same Redis
  // spread out instead of reloading in step.
  private scheduleRetry(): void {
    if (this.stopped || !this.feedUp) return; // a reconnection reloads
    const ceiling = Math.min(RELOAD_RETRY_MAX_MS, RELOAD_RETRY_FIRST_MS * 2 ** (this.failures - 1));
    const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
    this.retryAt = performance.now() + delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.startReload();
    }, delay).unref();
  }

  private markInSync(): void {
    if (!this.connected) this.logger.log(`Revocation view in sync (${this.size} entries)`);
    this.connected = true;
    this.everInSync = true;
    this.probeFailed = false;
    this.boundPassedLogged = false;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /**
   * The view is out of sync. Within the staleness bound (or with fail-open), the last view answers, synchronously.
   * Past it, 503 at once. Before the first complete load, or with a bound of 0, the check waits (bounded) for the feed.
   */
  private checkOutOfSync(token: VerifiedToken): void | Promise<void> {
    if (this.settings.revocationFailOpen || performance.now() < this.staleUntil) {
      if (this.isRevoked(token)) throw revoked();
      if (!(token.claims.exp - token.claims.iat <= this.accessWindow)) return this.askStore(token);
      if (this.settings.isTokenRevoked) return this.askCallback(token);
      return;
    }
    if (!this.everInSync || this.settings.revocationMaxStalenessMs === 0) return this.checkWhenConnected(token);
    if (!this.boundPassedLogged) {
      this.boundPassedLogged = true;
      this.logger.warn(
        'Revocation view stale past revocationMaxStaleness; guarded requests answer 503 until it reloads',
      );
    }
    throw this.unavailable();
  }

  private async checkWhenConnected(token: VerifiedToken): Promise<void> {
    await this.whenConnected(this.settings.revocationTimeoutMs);
    if (!this.connected) throw this.unavailable();
    if (this.isRevoked(token)) throw revoked();
    if (!(token.claims.exp - token.claims.iat <= this.accessWindow)) return this.askStore(token);
    if (this.settings.isTokenRevoked) await this.askCallback(token);
  }

  private whenConnected(timeoutMs: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.add(wake);
    });
  }

  /** The store's answer for a token that may outlive the view's window: one round trip, bounded. */
  private async askStore(token: VerifiedToken): Promise<void> {
    const { claims, identity } = token;
    let answer: boolean;
    if (this.storeDown) {
      // Only the reload probes a store known down: no request waits on it, none piles up on it.
      if (!this.settings.revocationFailOpen) throw this.unavailable();
      if (this.settings.isTokenRevoked) await this.askCallback(token);
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
    if (this.settings.isTokenRevoked) await this.askCallback(token);
  }

  private async askCallback({ claims, header }: VerifiedToken): Promise<void> {
    let answer: boolean;
    try {
      answer = await withTimeout(
        Promise.resolve(this.settings.isTokenRevoked!(claims, header)),
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
