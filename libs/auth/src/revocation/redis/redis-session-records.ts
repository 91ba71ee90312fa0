import { MAX_LISTED_SESSIONS, type SessionRecord } from '../revocation-store.interface.js';
import { epochSeconds } from '../../util/epoch-seconds.js';
import type { ScriptedClient } from './redis-revocation.connection.js';
import { pairs, parseSessionInfo } from './redis-revocation.replies.js';
import { encodeId, type RevocationKeys, shardOf } from './revocation-shards.js';

/** Runs one command (or batch) under the store's timeout, named for the error it fails with. */
type Run = <T>(command: Promise<T>, what: string) => Promise<T>;

/**
 * The session records of {@link RedisRevocationStore}: a per-user sorted set of live session ids scored by expiry, and
 * a hash of their info (`createdAt:lastRefreshedAt:metadata`), both in the user's shard. Bounds: a user keeps at most
 * `MAX_LISTED_SESSIONS` sessions, so a listing reads at most that many entries.
 */
export class RedisSessionRecords {
  constructor(
    private readonly keys: RevocationKeys,
    private readonly run: Run,
  ) {}

  /** Records a session in its user's set (trimmed to the newest MAX_LISTED_SESSIONS) and info hash. */
  async register(redis: ScriptedClient, session: SessionRecord): Promise<void> {
    const info = `${session.createdAt}:${session.lastRefreshedAt ?? ''}:${JSON.stringify(session.metadata ?? {})}`;
    await this.run(
      redis.njeRegisterSession(
        this.keys.sessions(session.identity),
        this.keys.sessionInfo(session.identity),
        session.sessionId,
        session.expiresAt,
        epochSeconds(),
        info,
        MAX_LISTED_SESSIONS,
      ),
      'register session',
    );
  }

  /**
   * The user's live sessions, newest first, at most `limit`: two round trips (the set with the user's revocation,
   * then each session's info and revocation), each a bounded batch.
   */
  async list(redis: ScriptedClient, identity: string, limit: number): Promise<SessionRecord[]> {
    const now = epochSeconds();
    const shard = shardOf(identity);
    const [live, userUntil, validAfter] = await this.run(
      Promise.all([
        // At most MAX_LISTED_SESSIONS: registerSession trims the set.
        redis.zrangebyscore(this.keys.sessions(identity), `(${now}`, '+inf', 'WITHSCORES'),
        redis.zscore(this.keys.revokedUsers(shard), encodeId(identity)),
        redis.hget(this.keys.validAfter(shard), encodeId(identity)),
      ]),
      'list sessions',
    );
    const ids = pairs(live);
    if (ids.length === 0) return [];
    const [infos, ...revoked] = await this.run(
      Promise.all([
        redis.hmget(this.keys.sessionInfo(identity), ...ids.map(([id]) => id)),
        ...ids.map(([id]) => redis.zscore(this.keys.revokedSession(id), encodeId(id))),
      ]),
      'list sessions',
    );
    const after = userUntil !== null && Number(userUntil) > now && validAfter !== null ? Number(validAfter) : 0;
    const sessions: SessionRecord[] = [];
    ids.forEach(([sessionId, expiresAt], i) => {
      const info = parseSessionInfo(infos[i] ?? null);
      const revokedUntil = revoked[i] as string | null;
      if (!info || (revokedUntil !== null && Number(revokedUntil) > now) || info.createdAt < after) return;
      sessions.push({ sessionId, identity, expiresAt: Number(expiresAt), ...info });
    });
    return sessions.sort((a, b) => b.createdAt - a.createdAt).slice(0, Math.max(0, limit));
  }
}
