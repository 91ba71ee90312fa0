import { Logger } from '@nestjs/common';
import { AuthError } from '../errors/auth-error.js';
import type { RevocationSettings } from './revocation-settings.js';
import type { Revocation, RevocationStore } from './revocation-store.interface.js';
import type { StoreHealth } from './call-store.js';
import { withTimeout } from './with-timeout.js';
import { epochSeconds } from '../util/epoch-seconds.js';

const UNAVAILABLE_MESSAGE = 'Revocation state is unavailable; try again shortly';
/** Revocations read per `listRecent` page: the most a reload holds in flight, on either side. */
export const RELOAD_PAGE_SIZE = 1000;
/** First wait before a failed reload is tried again; each further failure doubles it. */
export const RELOAD_RETRY_FIRST_MS = 500;
/** The longest wait between two reload attempts. */
export const RELOAD_RETRY_MAX_MS = 30_000;

/** What the sync fills: the view, which applies each revocation a reload reads (and tells its listeners). */
export interface RevocationSink {
  revoked(revocation: Revocation): void;
  /** Entries held, for the log line that says the view is in sync. */
  readonly size: number;
}

/**
 * What a check of a view out of sync does now: answer from the last view (within the staleness bound, or
 * fail-open), wait (bounded) for the view to come back in sync, or refuse at once with 503.
 */
export type OutOfSyncAnswer = 'last-view' | 'wait' | 'refuse';

/**
 * Whether the local view can be trusted, and what brings it back: the state machine behind {@link RevocationView}.
 * In sync means the feed is up and a complete reload has run since it (re)connected. The reload runs one at a time,
 * page by page, each page bounded by `revocationTimeoutMs`, and after a failure again with an exponential backoff
 * with jitter. It is the one probe of a store known down ({@link storeDown}): while it is, `callStore` and the view
 * send the store nothing else. Checks made while the view is out of sync ask {@link outOfSync} what to do, and may
 * wait for the view with {@link whenInSync}.
 */
export class RevocationSync implements StoreHealth {
  // The view's name: these lines tell an operator what happens to the view.
  private readonly logger = new Logger('RevocationView');
  private readonly window: number;
  /** The feed is up and a complete reload has run since it (re)connected. */
  private synced = false;
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
  private readonly waiters = new Set<() => void>();
  /** The reload in flight: at most one at a time. */
  private reloading?: Promise<void>;
  /** The feed reconnected while a reload was in flight: that reload cannot count, another one follows it. */
  private reloadAgain = false;
  private retryTimer?: NodeJS.Timeout;
  /** Failed reloads in a row, for the backoff; reset by a complete one. */
  private failures = 0;
  /** A page the sync gave up waiting for: the next reload waits for it to settle, so reads never overlap. */
  private abandonedPage?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly settings: RevocationSettings,
    private readonly store: RevocationStore,
    private readonly sink: RevocationSink,
    // The injected AuthClock's: a reload lists what was revoked within the window before its now.
    private readonly now: () => number = Date.now,
  ) {
    this.window = settings.revocationWindow;
  }

  /** The view is complete: the feed is up and a complete reload has run since it (re)connected. */
  get inSync(): boolean {
    return this.synced;
  }

  /** The feed went down (the staleness clock starts, if the view was in sync) or came back (a reload starts). */
  connectionChanged(connected: boolean): void {
    this.feedUp = connected;
    if (!connected) {
      if (this.synced) {
        // The clock starts when the view stops being complete; only a complete reload stops it.
        this.staleUntil = performance.now() + this.settings.revocationMaxStalenessMs;
        this.logger.warn(
          `Revocation feed lost; guarded requests are answered from the last view for at most ` +
            `${this.settings.revocationMaxStalenessMs / 1000} s`,
        );
      }
      this.synced = false;
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
    return !this.synced && (this.probeFailed || (!this.feedUp && this.everInSync));
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

  /**
   * What a check does while the view is out of sync. Within the staleness bound (or with fail-open), the last view
   * answers. Before the first complete load, or with a bound of 0, the check waits (bounded) for the feed. Past the
   * bound, 503 at once (logged once an outage).
   */
  outOfSync(): OutOfSyncAnswer {
    if (this.settings.revocationFailOpen || performance.now() < this.staleUntil) return 'last-view';
    if (!this.everInSync || this.settings.revocationMaxStalenessMs === 0) return 'wait';
    if (!this.boundPassedLogged) {
      this.boundPassedLogged = true;
      this.logger.warn(
        'Revocation view stale past revocationMaxStaleness; guarded requests answer 503 until it reloads',
      );
    }
    return 'refuse';
  }

  /** Resolves once the view is in sync, or after `timeoutMs` (check {@link inSync} then). */
  whenInSync(timeoutMs: number): Promise<void> {
    if (this.synced) return Promise.resolve();
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

  /** No reload starts or retries after this; a reload in flight stops after its current page. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
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
      const since = epochSeconds(this.now) - this.window;
      const pages = this.store.listRecent(since, RELOAD_PAGE_SIZE)[Symbol.asyncIterator]();
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
          for (const revocation of page.value) this.sink.revoked(revocation);
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
    if (!this.synced) this.logger.log(`Revocation view in sync (${this.sink.size} entries)`);
    this.synced = true;
    this.everInSync = true;
    this.probeFailed = false;
    this.boundPassedLogged = false;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}
