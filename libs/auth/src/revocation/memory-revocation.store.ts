import {
  MAX_LISTED_SESSIONS,
  type RefreshTokenReplacement,
  type Revocation,
  type RevocationFeed,
  type RevocationQuery,
  type RevocationStore,
  type RotationOutcome,
  type RotationRequest,
  type SessionRecord,
} from './revocation-store.interface.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { type AuthClock, nowOf } from '../util/auth-clock.js';

interface SessionRotation {
  current: string;
  previous?: string;
  rotatedAt: number;
  expiresAt: number;
}

interface RecentEntry {
  revocation: Revocation;
  /** Listed until then (epoch s): min(expiresAt, revokedAt + recentFor). */
  until: number;
}

/**
 * The default store: everything in this process. Right for a single instance and for tests; with several
 * instances, use {@link RedisRevocationStore} so that a logout on one is enforced by all.
 *
 * Bounded: every entry goes with the tokens it concerns (dead ones are dropped at most once a second), the recent list
 * holds each revocation for its `recentFor` only, and a user keeps at most {@link MAX_LISTED_SESSIONS} sessions.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, revocationStore: new MemoryRevocationStore() });
 * new MemoryRevocationStore({ clock }); // entries expire by a test's clock (AuthTestingModule passes its own)
 * ```
 */
export class MemoryRevocationStore implements RevocationStore {
  private readonly now: () => number;
  /** Revoked jtis and sessions: id -> expiresAt. */
  private readonly tokens = new Map<string, number>();
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, { expiresAt: number; validAfter: number }>();
  /** Recent revocations, in the order made. */
  private readonly recent = new Set<RecentEntry>();
  private readonly sessionsByUser = new Map<string, Map<string, SessionRecord>>();
  private readonly rotations = new Map<string, SessionRotation>();
  private readonly feeds = new Set<RevocationFeed>();
  private prunedAt = 0;

  /** @param options.clock the time entries expire by; `Date.now()` without one. */
  constructor(options: { readonly clock?: AuthClock } = {}) {
    this.now = nowOf(options.clock);
  }

  async revoke(revocation: Revocation, recentFor: number): Promise<Revocation> {
    this.prune();
    const revokedAt = revocation.revokedAt ?? epochSeconds(this.now);
    let stored: Revocation;
    if (revocation.kind === 'user') {
      const existing = this.users.get(revocation.id);
      // As in Redis: a user's valid-after defaults to now, and a second revocation never lowers it.
      const validAfter = Math.max(existing?.validAfter ?? 0, revocation.validAfter ?? revokedAt);
      const expiresAt = Math.max(existing?.expiresAt ?? 0, revocation.expiresAt);
      const sessionIds = this.endSessionsOf(revocation.id, revokedAt, recentFor);
      this.users.set(revocation.id, { expiresAt, validAfter });
      stored = { kind: 'user', id: revocation.id, expiresAt: revocation.expiresAt, revokedAt, validAfter, sessionIds };
    } else {
      stored = { kind: revocation.kind, id: revocation.id, expiresAt: revocation.expiresAt, revokedAt };
      this.storeEntry(stored, recentFor);
    }
    this.remember(stored, recentFor);
    for (const feed of this.feeds) feed.revoked({ ...stored });
    return stored;
  }

  async *listRecent(since: number, pageSize: number): AsyncIterable<Revocation[]> {
    if (!(pageSize >= 1)) throw new RangeError('listRecent: pageSize must be at least 1');
    this.prune();
    const now = epochSeconds(this.now);
    let page: Revocation[] = [];
    for (const { revocation, until } of [...this.recent]) {
      if (until <= now || revocation.expiresAt <= now || revocation.revokedAt! < since) continue;
      page.push(copy(revocation));
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async isRevoked(query: RevocationQuery): Promise<boolean> {
    const now = epochSeconds(this.now);
    if ((this.tokens.get(query.jti) ?? 0) > now) return true;
    if (query.sessionId !== undefined && (this.sessions.get(query.sessionId) ?? 0) > now) return true;
    const user = this.users.get(query.identity);
    return user !== undefined && user.expiresAt > now && user.validAfter > query.issuedAt;
  }

  async subscribe(feed: RevocationFeed): Promise<() => Promise<void>> {
    this.feeds.add(feed);
    feed.connectionChanged(true); // in-process: always connected
    return async () => {
      this.feeds.delete(feed);
    };
  }

  async registerSession(session: SessionRecord): Promise<void> {
    this.prune();
    const sessions = this.sessionsByUser.get(session.identity) ?? new Map<string, SessionRecord>();
    sessions.set(session.sessionId, { ...session, ...(session.metadata ? { metadata: { ...session.metadata } } : {}) });
    this.sessionsByUser.set(session.identity, sessions);
    // As in Redis: the newest (latest to expire) are kept.
    if (sessions.size > MAX_LISTED_SESSIONS) {
      const oldest = [...sessions.values()].sort((a, b) => a.expiresAt - b.expiresAt);
      for (const record of oldest.slice(0, sessions.size - MAX_LISTED_SESSIONS)) sessions.delete(record.sessionId);
    }
  }

  async touchSession(identity: string, sessionId: string, at: number): Promise<void> {
    const record = this.sessionsByUser.get(identity)?.get(sessionId);
    if (record) record.lastRefreshedAt = at;
  }

  async listSessions(identity: string, limit: number): Promise<SessionRecord[]> {
    const now = epochSeconds(this.now);
    const user = this.users.get(identity);
    const after = user !== undefined && user.expiresAt > now ? user.validAfter : 0;
    return [...(this.sessionsByUser.get(identity)?.values() ?? [])]
      .filter(
        (record) =>
          record.expiresAt > now && (this.sessions.get(record.sessionId) ?? 0) <= now && record.createdAt >= after,
      )
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, Math.max(0, limit))
      .map((record) => ({ ...record, ...(record.metadata ? { metadata: { ...record.metadata } } : {}) }));
  }

  async rotateRefreshToken(request: RotationRequest): Promise<RotationOutcome> {
    if ((this.sessions.get(request.sessionId) ?? 0) > Math.floor(request.now / 1000)) return 'revoked';
    const state = this.rotations.get(request.sessionId);
    if (state === undefined || state.current === request.presentedJti) {
      this.rotations.set(request.sessionId, {
        current: request.nextJti,
        previous: request.presentedJti,
        rotatedAt: request.now,
        expiresAt: request.sessionExpiresAt,
      });
      return 'rotated';
    }
    if (
      request.graceMs > 0 &&
      state.previous === request.presentedJti &&
      request.now - state.rotatedAt <= request.graceMs
    ) {
      state.current = request.nextJti;
      return 'grace';
    }
    // A used or older token: theft is assumed. No jti matches '', so the session stays closed until it expires.
    state.current = '';
    state.previous = '';
    await this.revoke(
      {
        kind: 'session',
        id: request.sessionId,
        expiresAt: request.sessionExpiresAt,
        revokedAt: Math.floor(request.now / 1000),
      },
      request.recentFor,
    );
    return 'reused';
  }

  async replaceRefreshToken(request: RefreshTokenReplacement): Promise<'replaced' | 'revoked'> {
    if ((this.sessions.get(request.sessionId) ?? 0) > Math.floor(request.now / 1000)) return 'revoked';
    // '' is a session closed by a detected reuse: it stays closed.
    if (this.rotations.get(request.sessionId)?.current === '') return 'revoked';
    this.rotations.set(request.sessionId, {
      current: request.nextJti,
      previous: '',
      rotatedAt: request.now,
      expiresAt: request.sessionExpiresAt,
    });
    return 'replaced';
  }

  private storeEntry(revocation: Revocation, _recentFor: number): void {
    const entries = revocation.kind === 'token' ? this.tokens : this.sessions;
    entries.set(revocation.id, Math.max(entries.get(revocation.id) ?? 0, revocation.expiresAt));
  }

  private remember(revocation: Revocation, recentFor: number): void {
    const until = Math.min(revocation.expiresAt, revocation.revokedAt! + Math.max(0, recentFor));
    this.recent.add({ revocation: copy(revocation), until });
  }

  /** Ends the user's live sessions: each becomes a session revocation, listed on its own. */
  private endSessionsOf(identity: string, revokedAt: number, recentFor: number): string[] {
    const now = epochSeconds(this.now);
    const ended: string[] = [];
    for (const record of this.sessionsByUser.get(identity)?.values() ?? []) {
      if (record.expiresAt <= now) continue;
      const revocation: Revocation = { kind: 'session', id: record.sessionId, expiresAt: record.expiresAt, revokedAt };
      this.storeEntry(revocation, recentFor);
      this.remember(revocation, recentFor);
      ended.push(record.sessionId);
    }
    this.sessionsByUser.delete(identity);
    return ended;
  }

  // Entries die with the tokens they concern, so memory holds only what can still matter.
  private prune(): void {
    const now = epochSeconds(this.now);
    if (now === this.prunedAt) return; // at most once a second, so a burst of revocations stays O(1) each
    this.prunedAt = now;
    for (const entries of [this.tokens, this.sessions]) {
      for (const [id, expiresAt] of entries) if (expiresAt <= now) entries.delete(id);
    }
    for (const [id, user] of this.users) if (user.expiresAt <= now) this.users.delete(id);
    for (const entry of this.recent) if (entry.until <= now) this.recent.delete(entry);
    for (const [id, state] of this.rotations) if (state.expiresAt <= now) this.rotations.delete(id);
    for (const [identity, sessions] of this.sessionsByUser) {
      for (const [id, record] of sessions) if (record.expiresAt <= now) sessions.delete(id);
      if (sessions.size === 0) this.sessionsByUser.delete(identity);
    }
  }
}

function copy(revocation: Revocation): Revocation {
  return { ...revocation, ...(revocation.sessionIds ? { sessionIds: [...revocation.sessionIds] } : {}) };
}
