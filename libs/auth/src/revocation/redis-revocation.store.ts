import { once } from 'node:events';
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import {
  MAX_LISTED_SESSIONS,
  type Revocation,
  type RevocationFeed,
  type RevocationQuery,
  type RevocationStore,
  type RotationOutcome,
  type RotationRequest,
  type SessionRecord,
} from './revocation-store.interface.js';
import { REGISTER_SESSION, REVOKE_ENTRY, REVOKE_USER, ROTATE, TOUCH_SESSION } from './redis-revocation.scripts.js';
import { decodeId, encodeId, RevocationKeys, SHARDS, shardOf } from './revocation-shards.js';
import { withTimeout } from './with-timeout.js';
import { epochSeconds as nowSeconds } from '../epoch-seconds.js';

/** A Sentinel setup: the sentinels to ask, the monitored master's name, and any other ioredis option. */
export type RedisSentinelOptions = Omit<RedisOptions, 'sentinels' | 'name'> & {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
};

/**
 * Where {@link RedisRevocationStore} finds Redis: a URL, a client of yours (a `Redis` or a `Cluster`: never closed by
 * the store), the nodes of a Redis Cluster, or a Sentinel setup. The store opens and closes its own connections for
 * all but `client`.
 */
export type RedisRevocationStoreConnection =
  | { url: string; client?: never; cluster?: never; sentinel?: never }
  | { client: Redis | Cluster; url?: never; cluster?: never; sentinel?: never }
  | { cluster: ClusterNode[]; clusterOptions?: ClusterOptions; url?: never; client?: never; sentinel?: never }
  | { sentinel: RedisSentinelOptions; url?: never; client?: never; cluster?: never };

/** Options of {@link RedisRevocationStore}. */
export type RedisRevocationStoreOptions = RedisRevocationStoreConnection & {
  /** Prefix of every key and of the pub/sub channel; no `{` or `}` (the store's hash tags). Default `nest-jwt-extended:`. */
  keyPrefix?: string;
  /** Longest wait for one Redis command, in milliseconds. Default 1000. */
  commandTimeoutMs?: number;
};

type Client = Redis | Cluster;
type Arg = string | number | Buffer;
type ScriptedClient = Client & {
  njeRevokeEntry(...args: Arg[]): Promise<number>;
  njeRevokeUser(...args: Arg[]): Promise<string>;
  njeRegisterSession(...args: Arg[]): Promise<number>;
  njeTouchSession(...args: Arg[]): Promise<number>;
  njeRotate(...args: Arg[]): Promise<RotationOutcome>;
};

/** First and longest wait before a cluster subscriber picks another master. */
const RESUBSCRIBE_FIRST_MS = 100;
const RESUBSCRIBE_MAX_MS = 5000;

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
export class RedisRevocationStore implements RevocationStore {
  private readonly keys: RevocationKeys;
  private readonly timeoutMs: number;
  private client?: Promise<ScriptedClient>;
  private ready?: Promise<unknown>;
  private readonly subscriptions = new Set<() => void>();

  constructor(private readonly options: RedisRevocationStoreOptions) {
    const given = [options?.url, options?.client, options?.cluster, options?.sentinel].filter((v) => v !== undefined);
    if (given.length !== 1) {
      throw new TypeError('RedisRevocationStore needs one of url, client, cluster or sentinel');
    }
    if (options.url !== undefined && typeof options.url !== 'string') {
      throw new TypeError('RedisRevocationStore: url must be a string');
    }
    this.keys = new RevocationKeys(options.keyPrefix ?? 'nest-jwt-extended:');
    this.timeoutMs = options.commandTimeoutMs ?? 1000;
  }

  async revoke(revocation: Revocation, recentFor: number): Promise<Revocation> {
    const redis = await this.redis();
    const now = nowSeconds();
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
    const redis = await this.redis();
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
        const now = nowSeconds();
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
    const redis = await this.redis();
    const now = nowSeconds();
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
    const base = await this.connection();
    const deliver = (message: string) => {
      const revocation = parseRevocation(message);
      if (revocation) feed.revoked(revocation);
    };
    const stop = base.isCluster
      ? this.followCluster(base as Cluster, feed, deliver)
      : this.follow(base as Redis, feed, deliver);
    this.subscriptions.add(stop);
    return async () => {
      this.subscriptions.delete(stop);
      stop();
    };
  }

  async registerSession(session: SessionRecord): Promise<void> {
    const redis = await this.redis();
    const info = `${session.createdAt}:${session.lastRefreshedAt ?? ''}:${JSON.stringify(session.metadata ?? {})}`;
    await this.run(
      redis.njeRegisterSession(
        this.keys.sessions(session.identity),
        this.keys.sessionInfo(session.identity),
        session.sessionId,
        session.expiresAt,
        nowSeconds(),
        info,
        MAX_LISTED_SESSIONS,
      ),
      'register session',
    );
  }

  async touchSession(identity: string, sessionId: string, at: number): Promise<void> {
    const redis = await this.redis();
    await this.run(redis.njeTouchSession(this.keys.sessionInfo(identity), sessionId, at), 'touch session');
  }

  async listSessions(identity: string, limit: number): Promise<SessionRecord[]> {
    const redis = await this.redis();
    const now = nowSeconds();
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

  async rotateRefreshToken(request: RotationRequest): Promise<RotationOutcome> {
    const redis = await this.redis();
    const now = Math.floor(request.now / 1000);
    const message = JSON.stringify({
      kind: 'session',
      id: request.sessionId,
      expiresAt: request.sessionExpiresAt,
      revokedAt: now,
    } satisfies Revocation);
    const recent = recentArgs(request.now, now, request.recentFor);
    return this.run(
      redis.njeRotate(
        this.keys.rotation(request.sessionId),
        this.keys.revokedSession(request.sessionId),
        this.keys.recent(shardOf(request.sessionId)),
        request.presentedJti,
        request.nextJti,
        request.now,
        request.graceMs,
        request.sessionExpiresAt,
        now,
        this.keys.channel,
        encodeId(request.sessionId),
        recent.cutoffMs,
        recent.keepUntil,
        message,
      ),
      'rotate',
    );
  }

  async close(): Promise<void> {
    for (const stop of this.subscriptions) stop();
    this.subscriptions.clear();
    if (this.options.client === undefined && this.client) {
      const client = await this.client;
      this.client = undefined;
      await withTimeout(client.quit(), this.timeoutMs, 'Redis (quit)').catch(() => client.disconnect());
    }
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

  /**
   * One Redis or Sentinel: a connection of its own (a subscribed connection can run nothing else), reconnected by
   * ioredis. It subscribes again on every (re)connection, then tells the view, which reloads: nothing published
   * meanwhile is lost.
   */
  private follow(base: Redis, feed: RevocationFeed, deliver: (message: string) => void): () => void {
    const subscriber = base.duplicate({ enableOfflineQueue: true, autoResubscribe: false, lazyConnect: true });
    const stopHeartbeat = this.heartbeat(subscriber, () => subscriber.disconnect(true));
    subscriber.on('message', (_channel: string, message: string) => deliver(message));
    subscriber.on('ready', () => {
      subscriber.subscribe(this.keys.channel).then(
        () => feed.connectionChanged(true),
        () => feed.connectionChanged(false),
      );
    });
    subscriber.on('close', () => feed.connectionChanged(false));
    subscriber.on('error', () => undefined); // reconnection is ioredis' job; 'close' has told the view
    subscriber.connect().catch(() => undefined);
    return () => {
      stopHeartbeat();
      // Listeners first: disconnect() half-closes, and ioredis would go on emitting what is already in flight.
      subscriber.removeAllListeners('message');
      subscriber.removeAllListeners('close');
      subscriber.removeAllListeners('ready');
      subscriber.disconnect();
    };
  }

  /**
   * Redis Cluster: plain pub/sub on one master. A PUBLISH (here, from the scripts) reaches every node of the cluster,
   * so one subscription anywhere sees every shard's revocations, and every instance needs all of them. Sharded
   * pub/sub (SSUBSCRIBE) would only pay off if instances wanted a subset: here each instance would hold one
   * subscription per shard (64) for the very same traffic. The subscriber is a connection of its own that does not
   * reconnect by itself: when it ends, the view is told, and another master is picked (with a backoff), subscribed,
   * and only then reported connected, so the view reloads what it may have missed.
   */
  private followCluster(cluster: Cluster, feed: RevocationFeed, deliver: (message: string) => void): () => void {
    let stopped = false;
    let current: Redis | undefined;
    let timer: NodeJS.Timeout | undefined;
    let failures = 0;
    const retry = () => {
      if (stopped) return;
      const delay = Math.min(RESUBSCRIBE_MAX_MS, RESUBSCRIBE_FIRST_MS * 2 ** failures);
      failures += 1;
      timer = setTimeout(pick, delay / 2 + Math.random() * (delay / 2));
    };
    const pick = () => {
      timer = undefined;
      if (stopped) return;
      const masters = cluster.status === 'ready' ? cluster.nodes('master') : [];
      if (masters.length === 0) return retry();
      const node = masters[Math.floor(Math.random() * masters.length)]!;
      const subscriber = node.duplicate({
        retryStrategy: () => null,
        enableOfflineQueue: true,
        autoResubscribe: false,
        lazyConnect: true,
        connectTimeout: this.timeoutMs,
        maxRetriesPerRequest: 0,
      });
      current = subscriber;
      const stopHeartbeat = this.heartbeat(subscriber, () => subscriber.disconnect());
      let connected = false;
      subscriber.on('message', (_channel: string, message: string) => deliver(message));
      subscriber.on('error', () => undefined); // 'end' follows
      subscriber.once('end', () => {
        stopHeartbeat();
        subscriber.removeAllListeners('message');
        if (current === subscriber) current = undefined;
        if (stopped) return;
        if (connected) feed.connectionChanged(false);
        retry();
      });
      subscriber
        .connect()
        .then(() => subscriber.subscribe(this.keys.channel))
        .then(
          () => {
            if (stopped || subscriber.status === 'end') return;
            connected = true;
            failures = 0;
            feed.connectionChanged(true);
          },
          () => subscriber.disconnect(),
        );
    };
    pick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      current?.removeAllListeners('message');
      current?.disconnect();
    };
  }

  /**
   * A partition that drops packets without resetting the connection would leave a subscriber that looks connected for
   * as long as TCP takes to give up (minutes to hours): the view would never learn that its feed is gone, and its
   * staleness bound would never start. So each subscriber is pinged (one PING at a time, every
   * max(1 s, commandTimeoutMs)); no answer within commandTimeoutMs counts as a lost connection, found within about
   * twice that.
   */
  private heartbeat(subscriber: Redis, lost: () => void): () => void {
    let pinging = false;
    const timer = setInterval(
      () => {
        if (pinging || subscriber.status !== 'ready') return;
        pinging = true;
        withTimeout(subscriber.ping(), this.timeoutMs, 'Redis (subscriber ping)').then(
          () => (pinging = false),
          () => {
            pinging = false;
            lost();
          },
        );
      },
      Math.max(1000, this.timeoutMs),
    ).unref();
    return () => clearInterval(timer);
  }

  /**
   * The command connection, ready. The offline queue is off, so a write is never replayed after we reported it failed;
   * instead each command waits (bounded) for the connection to be ready.
   */
  private async redis(): Promise<ScriptedClient> {
    const client = await this.connection();
    if (client.status !== 'ready') {
      // One wait shared by every command that arrives meanwhile (one listener, not one per command).
      this.ready ??= withTimeout(once(client, 'ready'), this.timeoutMs, 'Redis (connect)').finally(() => {
        this.ready = undefined;
      });
      await this.ready;
    }
    return client;
  }

  private connection(): Promise<ScriptedClient> {
    this.client ??= this.connect();
    return this.client;
  }

  private async connect(): Promise<ScriptedClient> {
    let client: Client;
    const settings: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: this.timeoutMs,
    };
    if (this.options.client) {
      client = this.options.client;
    } else if (this.options.cluster) {
      const { Cluster: ClusterClient } = await import('ioredis');
      const clusterOptions = this.options.clusterOptions ?? {};
      client = new ClusterClient(this.options.cluster, {
        enableOfflineQueue: false,
        ...clusterOptions,
        redisOptions: { connectTimeout: this.timeoutMs, ...clusterOptions.redisOptions },
      });
    } else if (this.options.sentinel) {
      const { Redis: RedisClient } = await import('ioredis');
      client = new RedisClient({ ...settings, ...this.options.sentinel });
    } else {
      const { Redis: RedisClient } = await import('ioredis');
      client = new RedisClient(this.options.url, settings);
    }
    // Every command reports its own failure; reconnection is automatic.
    if (!this.options.client) client.on('error', () => undefined);
    client.defineCommand('njeRevokeEntry', { numberOfKeys: 2, lua: REVOKE_ENTRY });
    client.defineCommand('njeRevokeUser', { numberOfKeys: 5, lua: REVOKE_USER });
    client.defineCommand('njeRegisterSession', { numberOfKeys: 2, lua: REGISTER_SESSION });
    client.defineCommand('njeTouchSession', { numberOfKeys: 1, lua: TOUCH_SESSION });
    client.defineCommand('njeRotate', { numberOfKeys: 3, lua: ROTATE });
    return client as ScriptedClient;
  }

  private run<T>(command: Promise<T>, what: string): Promise<T> {
    return withTimeout(command, this.timeoutMs, `Redis (${what})`);
  }
}

interface RecentArgs {
  /** The entry's id in its recent stream, in ms. */
  revokedAtMs: string;
  /** Entries older than this (ms) are trimmed from the stream. */
  cutoffMs: string;
  /** The stream may expire then (s). */
  keepUntil: number;
}

function recentArgs(revokedAtMs: number, now: number, recentFor: number): RecentArgs {
  const keep = Math.max(0, Math.ceil(recentFor));
  return {
    revokedAtMs: String(Math.max(0, Math.floor(revokedAtMs))),
    cutoffMs: String(Math.max(0, (now - keep) * 1000)),
    keepUntil: Math.floor(revokedAtMs / 1000) + keep + 1,
  };
}

function pairs(flat: string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([flat[i]!, flat[i + 1]!]);
  return result;
}

const KINDS: Record<string, Revocation['kind']> = { t: 'token', s: 'session', u: 'user' };

/** One entry of a recent stream. */
function parseEntry(id: Buffer, fields: Buffer[]): Revocation | undefined {
  const values = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!.toString(), fields[i + 1]!);
  const kind = KINDS[values.get('k')?.toString() ?? ''];
  const stored = values.get('i');
  if (!kind || !stored) return undefined;
  const revokedAt = values.has('r')
    ? Number(values.get('r')!.toString())
    : Math.floor(parseInt(id.toString(), 10) / 1000);
  const revocation: Revocation = {
    kind,
    id: decodeId(stored),
    expiresAt: Number(values.get('e')?.toString()),
    revokedAt,
  };
  if (values.has('v')) revocation.validAfter = Number(values.get('v')!.toString());
  return revocation;
}

function parseSessionInfo(
  info: string | null,
): Pick<SessionRecord, 'createdAt' | 'lastRefreshedAt' | 'metadata'> | undefined {
  const match = info === null ? null : /^(\d+):(\d*):(.*)$/s.exec(info);
  if (!match) return undefined;
  let metadata: Record<string, string> | undefined;
  try {
    const parsed = JSON.parse(match[3]!) as Record<string, string>;
    if (Object.keys(parsed).length > 0) metadata = parsed;
  } catch {
    metadata = undefined;
  }
  return {
    createdAt: Number(match[1]),
    ...(match[2] ? { lastRefreshedAt: Number(match[2]) } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

function parseRevocation(message: string): Revocation | undefined {
  try {
    const value = JSON.parse(message) as Partial<Revocation>;
    if ((value.kind !== 'token' && value.kind !== 'session' && value.kind !== 'user') || typeof value.id !== 'string')
      return undefined;
    return {
      kind: value.kind,
      id: value.id,
      expiresAt: Number(value.expiresAt),
      ...(value.revokedAt === undefined ? {} : { revokedAt: Number(value.revokedAt) }),
      ...(value.validAfter === undefined ? {} : { validAfter: Number(value.validAfter) }),
      // cjson encodes an empty Lua table as {}, not [].
      ...(value.kind === 'user'
        ? { sessionIds: Array.isArray(value.sessionIds) ? value.sessionIds.map(String) : [] }
        : {}),
    };
  } catch {
    return undefined;
  }
}
