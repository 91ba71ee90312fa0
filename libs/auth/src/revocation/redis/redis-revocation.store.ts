import {
  RedisConnection,
  type RedisRevocationStoreConnection,
  type ScriptedClient,
} from './redis-revocation.connection.js';
import {
  type RefreshTokenReplacement,
  type Revocation,
  type RevocationFeed,
  type RevocationQuery,
  type RevocationStore,
  type RotationOutcome,
  type RotationRequest,
  type SessionRecord,
} from '../revocation-store.interface.js';
import { pairs, parseEntry, parseRevocation, recentArgs, type RecentArgs } from './redis-revocation.replies.js';
import { RedisRotations } from './redis-rotations.js';
import { RedisSessionRecords } from './redis-session-records.js';
import { encodeId, RevocationKeys, SHARDS, shardOf } from './revocation-shards.js';
import { withTimeout } from '../with-timeout.js';
import type { LoginAttemptStore, LoginAttemptStoreSource } from '../../throttling/login-attempt-store.interface.js';
import { RedisLoginAttemptStore } from '../../throttling/redis/redis-login-attempt.store.js';
import { epochSeconds } from '../../util/epoch-seconds.js';

export type { RedisRevocationStoreConnection, RedisSentinelOptions } from './redis-revocation.connection.js';

/** Options of {@link RedisRevocationStore}. */
export type RedisRevocationStoreOptions = RedisRevocationStoreConnection & {
  /** Prefix of every key and of the pub/sub channel; no `{` or `}` (the store's hash tags). Default `nest-jwt-extended:`. */
  keyPrefix?: string;
  /** Longest wait for one Redis command, in milliseconds. Default 1000. */
  commandTimeoutMs?: number;
};

/**
 * Keeps revocations in Redis and announces them over pub/sub, so every instance of an app enforces a logout
 * within about a second. Runs on one Redis, behind Sentinel, or on Redis Cluster.
 *
 * Layout (see `revocation-shards.ts`): 64 shards, each key hash-tagged with its shard, and every script touches one
 * shard. Revoked `jti`s and sessions sit in small sorted sets scored by expiry (UUIDs as 16 raw bytes), pruned on every
 * write; each shard keeps its last minutes of revocations in a stream, read in pages by {@link listRecent}; every key
 * expires with the last entry it holds. Bounds: a page is at most `pageSize` entries in one reply; a user lists at
 * most {@link MAX_LISTED_SESSIONS} sessions; no key holds more than one shard's share. Give Redis persistence (AOF or
 * RDB) in production, or revocations are forgotten when it restarts.
 *
 * Needs ioredis (an optional peer), loaded when the store is built: without it, the constructor throws
 * `nest-jwt-extended/redis needs ioredis: npm install ioredis`. When Redis stops answering, the store logs it once
 * (naming it, password masked, and why), and once more when it answers again.
 *
 * @example
 * ```ts
 * import { RedisRevocationStore } from 'nest-jwt-extended/redis';
 *
 * AuthModule.forRoot({ secret, revocationStore: new RedisRevocationStore({ url: process.env.REDIS_URL! }) });
 * // or share a client: new RedisRevocationStore({ client: redis })
 * // Redis Cluster: new RedisRevocationStore({ cluster: [{ host: '10.0.0.1', port: 6379 }] })
 * // Sentinel: new RedisRevocationStore({ sentinel: { sentinels: [{ host: '10.0.0.2', port: 26379 }], name: 'main' } })
 * ```
 */
export class RedisRevocationStore implements RevocationStore, LoginAttemptStoreSource {
  private readonly keys: RevocationKeys;
  private readonly keyPrefix: string;
  private readonly timeoutMs: number;
  private readonly connection: RedisConnection;
  private readonly sessions: RedisSessionRecords;
  private readonly rotations: RedisRotations;

  constructor(options: RedisRevocationStoreOptions) {
    const given = [options?.url, options?.client, options?.cluster, options?.sentinel].filter((v) => v !== undefined);
    if (given.length !== 1) {
      throw new TypeError('RedisRevocationStore needs one of url, client, cluster or sentinel');
    }
    if (options.url !== undefined && typeof options.url !== 'string') {
      throw new TypeError('RedisRevocationStore: url must be a string');
    }
    this.keyPrefix = options.keyPrefix ?? 'nest-jwt-extended:';
    this.keys = new RevocationKeys(this.keyPrefix);
    this.timeoutMs = options.commandTimeoutMs ?? 1000;
    this.connection = new RedisConnection(options, this.timeoutMs, this.keys.channel);
    this.sessions = new RedisSessionRecords(this.keys, (command, what) => this.run(command, what));
    this.rotations = new RedisRotations(this.keys, (command, what) => this.run(command, what));
  }

  async revoke(revocation: Revocation, recentFor: number): Promise<Revocation> {
    const redis = await this.connection.commands();
    const now = epochSeconds();
    const revokedAt = revocation.revokedAt ?? now;
    const recent = recentArgs(revokedAt * 1000, now, recentFor);
    if (revocation.kind === 'user') return this.revokeUser(redis, revocation, revokedAt, now, recent);
    const stored: Revocation = {
      kind: revocation.kind,
      id: revocation.id,
      expiresAt: revocation.expiresAt,
      revokedAt,
    };
    await this.run(this.revokeEntry(redis, stored, now, recent, JSON.stringify(stored)), 'revoke');
    return stored;
  }

  async *listRecent(since: number, pageSize: number): AsyncIterable<Revocation[]> {
    if (!(pageSize >= 1)) throw new RangeError('listRecent: pageSize must be at least 1');
    const redis = await this.connection.commands();
    let page: Revocation[] = [];
    // Shard by shard, `pageSize` entries per command: Redis never builds a reply larger than one page, and this
    // process holds at most two pages. The stream id is the cursor, so ties need no special care.
    for (let shard = 0; shard < SHARDS; shard += 1) {
      let start = String(Math.max(0, since) * 1000);
      for (;;) {
        const entries = await this.run(
          redis.xrangeBuffer(this.keys.recent(shard), start, '+', 'COUNT', pageSize),
          'list recent',
        );
        const now = epochSeconds();
        for (const [id, fields] of entries) {
          const revocation = parseEntry(id, fields);
          if (revocation && revocation.expiresAt > now && revocation.revokedAt! >= since) page.push(revocation);
        }
        while (page.length >= pageSize) {
          yield page.slice(0, pageSize);
          page = page.slice(pageSize);
        }
        if (entries.length < pageSize) break;
        start = `(${entries[entries.length - 1]![0].toString()}`;
      }
    }
    if (page.length > 0) yield page;
  }

  async isRevoked(query: RevocationQuery): Promise<boolean> {
    const redis = await this.connection.commands();
    const now = epochSeconds();
    const userShard = shardOf(query.identity);
    const user = encodeId(query.identity);
    // Independent reads, sent at once (on a cluster, to several nodes at once): one round trip of latency.
    const [token, session, userUntil, validAfter] = await this.run(
      Promise.all([
        redis.zscore(this.keys.revokedToken(query.jti), encodeId(query.jti)),
        query.sessionId === undefined
          ? null
          : redis.zscore(this.keys.revokedSession(query.sessionId), encodeId(query.sessionId)),
        redis.zscore(this.keys.revokedUsers(userShard), user),
        redis.hget(this.keys.validAfter(userShard), user),
      ]),
      'is revoked',
    );
    const inForce = (score: string | null) => score !== null && Number(score) > now;
    return (
      inForce(token) ||
      inForce(session) ||
      (inForce(userUntil) && validAfter !== null && Number(validAfter) > query.issuedAt)
    );
  }

  async subscribe(feed: RevocationFeed): Promise<() => Promise<void>> {
    const stop = this.connection.subscribe(feed, (message) => {
      const revocation = parseRevocation(message);
      if (revocation) feed.revoked(revocation);
    });
    return async () => stop();
  }

  async registerSession(session: SessionRecord): Promise<void> {
    await this.sessions.register(await this.connection.commands(), session);
  }

  async touchSession(identity: string, sessionId: string, at: number): Promise<void> {
    const redis = await this.connection.commands();
    await this.run(redis.njeTouchSession(this.keys.sessionInfo(identity), sessionId, at), 'touch session');
  }

  async listSessions(identity: string, limit: number): Promise<SessionRecord[]> {
    return this.sessions.list(await this.connection.commands(), identity, limit);
  }

  async rotateRefreshToken(request: RotationRequest): Promise<RotationOutcome> {
    return this.rotations.rotate(await this.connection.commands(), request);
  }

  async replaceRefreshToken(request: RefreshTokenReplacement): Promise<'replaced' | 'revoked'> {
    return this.rotations.replace(await this.connection.commands(), request);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /**
   * Login attempts (`LoginThrottle`) on this store's connection and key prefix (`<prefix>login:`), each command bound
   * by `commandTimeoutMs`: `AuthModule` counts them here when this is its revocation store.
   */
  loginAttemptStore(): LoginAttemptStore {
    return new RedisLoginAttemptStore({
      commands: () => this.connection.commands(),
      run: (command, what) => this.run(command, what),
      keyPrefix: `${this.keyPrefix}login`,
    });
  }

  /**
   * A user revocation ends sessions kept in other shards, so it is done in steps, each one durable: read the user's
   * live sessions, revoke each in its own shard, then store the user entry (and announce it, with the sessions).
   * Retrying the whole after a failure is harmless.
   */
  private async revokeUser(
    redis: ScriptedClient,
    revocation: Revocation,
    revokedAt: number,
    now: number,
    recent: RecentArgs,
  ): Promise<Revocation> {
    const identity = revocation.id;
    // At most MAX_LISTED_SESSIONS: older sessions are still refused by the user's valid-after.
    const live = pairs(
      await this.run(
        redis.zrangebyscore(this.keys.sessions(identity), `(${now}`, '+inf', 'WITHSCORES'),
        'revoke (sessions)',
      ),
    );
    await this.run(
      Promise.all(
        live.map(([id, expiresAt]) =>
          this.revokeEntry(redis, { kind: 'session', id, expiresAt: Number(expiresAt), revokedAt }, now, recent, ''),
        ),
      ),
      'revoke (sessions)',
    );
    const stored = await this.run(
      redis.njeRevokeUser(
        this.keys.revokedUsers(shardOf(identity)),
        this.keys.validAfter(shardOf(identity)),
        this.keys.recent(shardOf(identity)),
        this.keys.sessions(identity),
        this.keys.sessionInfo(identity),
        encodeId(identity),
        identity,
        revocation.expiresAt,
        revocation.validAfter ?? revokedAt,
        now,
        recent.revokedAtMs,
        recent.cutoffMs,
        recent.keepUntil,
        this.keys.channel,
        revokedAt,
        JSON.stringify(live.map(([id]) => id)),
      ),
      'revoke',
    );
    return parseRevocation(stored) ?? { ...revocation, revokedAt, sessionIds: live.map(([id]) => id) };
  }

  private revokeEntry(
    redis: ScriptedClient,
    revocation: Revocation,
    now: number,
    recent: RecentArgs,
    message: string,
  ): Promise<number> {
    const key =
      revocation.kind === 'token' ? this.keys.revokedToken(revocation.id) : this.keys.revokedSession(revocation.id);
    return redis.njeRevokeEntry(
      key,
      this.keys.recent(shardOf(revocation.id)),
      encodeId(revocation.id),
      revocation.expiresAt,
      now,
      revocation.kind === 'token' ? 't' : 's',
      recent.revokedAtMs,
      recent.cutoffMs,
      recent.keepUntil,
      this.keys.channel,
      message,
    );
  }

  private run<T>(command: Promise<T>, what: string): Promise<T> {
    return withTimeout(command, this.timeoutMs, `Redis (${what})`);
  }
}
