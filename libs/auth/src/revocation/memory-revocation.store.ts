import type {
  Revocation,
  RevocationFeed,
  RevocationStore,
  RotationOutcome,
  RotationRequest,
} from './revocation-store.interface.js';
import { epochSeconds } from '../epoch-seconds.js';

interface SessionRotation {
  current: string;
  previous?: string;
  rotatedAt: number;
  expiresAt: number;
}

/**
 * The default store: everything in this process. Right for a single instance and for tests; with several
 * instances, use {@link RedisRevocationStore} so that a logout on one is enforced by all.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, revocationStore: new MemoryRevocationStore() });
 * ```
 */
export class MemoryRevocationStore implements RevocationStore {
  private readonly revocations = new Map<string, Revocation>();
  private readonly sessionsByUser = new Map<string, Map<string, number>>();
  private readonly rotations = new Map<string, SessionRotation>();
  private readonly feeds = new Set<RevocationFeed>();
  private prunedAt = 0;

  async revoke(revocation: Revocation): Promise<Revocation> {
    this.prune();
    const key = `${revocation.kind}:${revocation.id}`;
    const { sessionIds: _given, ...incoming } = revocation;
    // As in Redis: a user's valid-after defaults to now, and a second revocation never lowers it.
    if (incoming.kind === 'user') incoming.validAfter ??= epochSeconds();
    const existing = this.revocations.get(key);
    const record = existing ? merge(existing, incoming) : incoming;
    this.revocations.set(key, record);
    const stored =
      incoming.kind === 'user'
        ? { ...record, sessionIds: this.endSessionsOf(incoming.id, incoming.expiresAt) }
        : { ...record };
    for (const feed of this.feeds) feed.revoked(stored);
    return stored;
  }

  async list(): Promise<Revocation[]> {
    this.prune();
    const now = epochSeconds();
    return [...this.revocations.values()]
      .filter((revocation) => revocation.expiresAt > now)
      .map((revocation) => ({ ...revocation }));
  }

  async subscribe(feed: RevocationFeed): Promise<() => Promise<void>> {
    this.feeds.add(feed);
    feed.connectionChanged(true); // in-process: always connected
    return async () => {
      this.feeds.delete(feed);
    };
  }

  async registerSession(identity: string, sessionId: string, expiresAt: number): Promise<void> {
    const sessions = this.sessionsByUser.get(identity) ?? new Map<string, number>();
    sessions.set(sessionId, expiresAt);
    this.sessionsByUser.set(identity, sessions);
  }

  async rotateRefreshToken(request: RotationRequest): Promise<RotationOutcome> {
    if (this.revocations.has(`session:${request.sessionId}`)) return 'revoked';
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
    await this.revoke({ kind: 'session', id: request.sessionId, expiresAt: request.sessionExpiresAt });
    return 'reused';
  }

  private endSessionsOf(identity: string, expiresAt: number): string[] {
    const sessions = [...(this.sessionsByUser.get(identity)?.keys() ?? [])];
    for (const id of sessions) this.revocations.set(`session:${id}`, { kind: 'session', id, expiresAt });
    this.sessionsByUser.delete(identity);
    return sessions;
  }

  // Entries die with the tokens they concern, so memory holds only what can still matter.
  private prune(): void {
    const now = epochSeconds();
    if (now === this.prunedAt) return; // at most once a second, so a burst of revocations stays O(1) each
    this.prunedAt = now;
    for (const [key, revocation] of this.revocations) if (revocation.expiresAt <= now) this.revocations.delete(key);
    for (const [id, state] of this.rotations) if (state.expiresAt <= now) this.rotations.delete(id);
    for (const [identity, sessions] of this.sessionsByUser) {
      for (const [id, expiresAt] of sessions) if (expiresAt <= now) sessions.delete(id);
      if (sessions.size === 0) this.sessionsByUser.delete(identity);
    }
  }
}

/** Two revocations of one thing: keep the later expiry and the later valid-after. */
export function merge(a: Revocation, b: Revocation): Revocation {
  return {
    ...a,
    ...b,
    expiresAt: Math.max(a.expiresAt, b.expiresAt),
    ...(a.validAfter !== undefined || b.validAfter !== undefined
      ? { validAfter: Math.max(a.validAfter ?? 0, b.validAfter ?? 0) }
      : {}),
  };
}
