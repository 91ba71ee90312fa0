import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RESOLVED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorCode } from '../errors/auth-error-code.js';
import type { ResolvedAuthOptions } from '../options/resolved-auth-options.js';
import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import { RevocationStore, type Revocation, type RevocationFeed } from './revocation-store.interface.js';
import { withTimeout } from './with-timeout.js';
import { CompactJtiSet } from './compact-jti-set.js';
import { epochSeconds } from '../epoch-seconds.js';

const SWEEP_EVERY_MS = 60_000;
const RELOAD_RETRY_MS = 500;

/**
 * This instance's copy of every revocation in force: revoked `jti`s, revoked sessions, and per-user valid-after
 * times. Loaded from the store at start-up and on every reconnection, and kept current by the store's feed, so the
 * guards check revocation with three Map lookups and no I/O. While the feed is down the view may be stale: checks
 * then wait (bounded) for it to come back, and answer 503 `revocation_unavailable` unless fail-open is chosen.
 */
@Injectable()
export class RevocationView implements RevocationFeed, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationView');
  private readonly tokens = new CompactJtiSet();
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, { validAfter: number; expiresAt: number }>();
  private connected = false;
  private feedUp = false;
  private waiters = new Set<() => void>();
  private unsubscribe?: () => Promise<void>;
  private sweeper?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(RevocationStore) private readonly store: RevocationStore,
  ) {}

  /** Follows the store; waits (bounded) for the first load so a normal start-up serves requests in sync. */
  async onModuleInit(): Promise<void> {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS).unref();
    this.unsubscribe = await withTimeout(
      this.store.subscribe(this),
      this.options.revocationTimeoutMs,
      'Revocation store (subscribe)',
    );
    await this.whenConnected(this.options.revocationTimeoutMs);
    if (!this.connected) this.logger.warn('Revocation store unreachable at start-up; guarded requests wait for it');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    await this.unsubscribe?.().catch(() => undefined);
    await this.store.close?.().catch(() => undefined);
  }

  /** Throws `token_revoked`, or `revocation_unavailable` when the view cannot be trusted in time. */
  assertNotRevoked(token: VerifiedToken): void | Promise<void> {
    if (!this.connected && !this.options.revocationFailOpen) return this.checkWhenConnected(token);
    if (this.isRevoked(token)) throw revoked();
    if (this.options.isTokenRevoked) return this.askCallback(token);
  }

  /** True when the token, its session, or every token of its user issued before now has been revoked. */
  isRevoked({ claims, identity }: VerifiedToken): boolean {
    if (this.tokens.has(claims.jti)) return true;
    if (typeof claims.sid === 'string' && this.sessions.has(claims.sid)) return true;
    const user = this.users.get(identity);
    return user !== undefined && claims.iat < user.validAfter;
  }

  /** Applies a revocation; called by the feed, and by this instance right after it stored one. */
  revoked(revocation: Revocation): void {
    if (revocation.kind === 'token') this.tokens.add(revocation.id, revocation.expiresAt);
    if (revocation.kind === 'session')
      this.sessions.set(revocation.id, Math.max(this.sessions.get(revocation.id) ?? 0, revocation.expiresAt));
    if (revocation.kind === 'user') {
      const previous = this.users.get(revocation.id);
      this.users.set(revocation.id, {
        validAfter: Math.max(previous?.validAfter ?? 0, revocation.validAfter ?? 0),
        expiresAt: Math.max(previous?.expiresAt ?? 0, revocation.expiresAt),
      });
      for (const id of revocation.sessionIds ?? [])
        this.sessions.set(id, Math.max(this.sessions.get(id) ?? 0, revocation.expiresAt));
    }
  }

  connectionChanged(connected: boolean): void {
    this.feedUp = connected;
    if (!connected) {
      if (this.connected) this.logger.warn('Revocation feed lost; guarded requests wait for it');
      this.connected = false;
      return;
    }
    void this.reload();
  }

  /** How many entries the view holds (for tests and metrics). */
  get size(): number {
    return this.tokens.size + this.sessions.size + this.users.size;
  }

  // Reload after subscribing: anything revoked meanwhile arrives through the feed, so nothing is lost.
  private reload(): Promise<void> {
    this.reloading ??= (async () => {
      try {
        const revocations = await withTimeout(
          this.store.list(),
          this.options.revocationTimeoutMs,
          'Revocation store (list)',
        );
        for (const revocation of revocations) this.revoked(revocation);
        if (this.feedUp) {
          if (!this.connected) this.logger.log(`Revocation view in sync (${this.size} entries)`);
          this.connected = true;
          for (const wake of this.waiters) wake();
          this.waiters.clear();
        }
      } catch {
        if (this.feedUp && !this.stopped) setTimeout(() => void this.reload(), RELOAD_RETRY_MS).unref();
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private async checkWhenConnected(token: VerifiedToken): Promise<void> {
    await this.whenConnected(this.options.revocationTimeoutMs);
    if (!this.connected) throw AuthError.unavailable('Revocation state is unavailable; try again shortly');
    if (this.isRevoked(token)) throw revoked();
    if (this.options.isTokenRevoked) await this.askCallback(token);
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

  private async askCallback({ claims, header }: VerifiedToken): Promise<void> {
    let answer: boolean;
    try {
      answer = await withTimeout(
        Promise.resolve(this.options.isTokenRevoked!(claims, header)),
        this.options.revocationTimeoutMs,
        'isTokenRevoked',
      );
    } catch {
      if (this.options.revocationFailOpen) return;
      throw AuthError.unavailable('Revocation state is unavailable; try again shortly');
    }
    if (answer) throw revoked();
  }

  private sweep(): void {
    const now = epochSeconds();
    this.tokens.sweep(now);
    for (const [id, expiresAt] of this.sessions) if (expiresAt <= now) this.sessions.delete(id);
    for (const [id, user] of this.users) if (user.expiresAt <= now) this.users.delete(id);
  }
}

function revoked(): AuthError {
  return AuthError.invalid(AuthErrorCode.TokenRevoked, 'Token has been revoked');
}
