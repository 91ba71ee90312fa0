import type { VerifiedToken } from '../tokens/jwt-claims.interface.js';
import type { Revocation } from './revocation-store.interface.js';
import { CompactJtiSet } from './compact-jti-set.js';
import { epochSeconds } from '../util/epoch-seconds.js';
import { sessionIdOf } from './token-session.js';

/** A user's "log out everywhere": tokens issued before `validAfter` are refused until `keepUntil`. */
interface UserCutoff {
  validAfter: number;
  keepUntil: number;
}

/**
 * The revocations that can still refuse a live access token: revoked `jti`s, revoked sessions, and per-user
 * valid-after times. A plain cache: no I/O, no timers; {@link RevocationView} fills it and sweeps it.
 *
 * The bound: each entry is kept until `min(expiresAt, revokedAt + window)` (`window` = `revocationWindow`, the
 * access-token lifetime plus leeway plus a 60 s clock margin) and dropped by the first {@link sweep} after that. The
 * cache therefore holds at most the revocations of the last `window` seconds plus one sweep interval, never the
 * refresh-token lifetime or the app's history. Tokens and sessions (UUIDs) take 16-byte slots of a
 * {@link CompactJtiSet}: a burst of a million logouts in one window costs about 24 MB, not the ~100 MB of a Map of
 * strings. Users take one small Map entry each.
 */
export class RecentRevocations {
  private readonly tokens = new CompactJtiSet();
  // Session ids are UUIDs too (SessionService mints them), so they take the same 16-byte slots as jtis.
  private readonly sessions = new CompactJtiSet();
  private readonly users = new Map<string, UserCutoff>();

  /**
   * @param window `revocationWindow`, in seconds: how long after its revocation an entry can still matter.
   * @param now the clock (ms): the injected `AuthClock`'s, `Date.now` by default.
   */
  constructor(
    private readonly window: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many entries are held. */
  get size(): number {
    return this.tokens.size + this.sessions.size + this.users.size;
  }

  /**
   * True when a revocation held covers the token: its `jti`, its session (its `sid`, or its own `jti` for a token
   * without one), or every token of its user issued before the user's cut-off. Allocates nothing.
   */
  isRevoked({ claims, identity }: VerifiedToken): boolean {
    if (this.tokens.has(claims.jti)) return true;
    if (this.sessions.size > 0 && this.sessions.has(sessionIdOf(claims))) return true;
    const user = this.users.get(identity);
    return user !== undefined && claims.iat < user.validAfter;
  }

  /** Keeps a revocation for as long as it can refuse a live access token; one already past that is not kept. */
  add(revocation: Revocation): void {
    const now = epochSeconds(this.now);
    const revokedAt = revocation.revokedAt ?? now;
    const until = Math.min(revocation.expiresAt, revokedAt + this.window);
    if (revocation.kind === 'token' && until > now) this.tokens.add(revocation.id, until);
    if (revocation.kind === 'session' && until > now) this.sessions.add(revocation.id, until);
    if (revocation.kind === 'user') {
      for (const id of revocation.sessionIds ?? []) if (until > now) this.sessions.add(id, until);
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

  /** Drops every entry kept until `now` (epoch seconds) or before. */
  sweep(now: number): void {
    this.tokens.sweep(now);
    this.sessions.sweep(now);
    for (const [id, user] of this.users) if (user.keepUntil <= now) this.users.delete(id);
  }
}
