import { once } from 'node:events';
import type { Redis, RedisOptions } from 'ioredis';
import type {
  Revocation,
  RevocationFeed,
  RevocationStore,
  RotationOutcome,
  RotationRequest,
} from './revocation-store.interface.js';
import { REGISTER_SESSION, REVOKE_ENTRY, REVOKE_USER, ROTATE } from './redis-revocation.scripts.js';
import { withTimeout } from './with-timeout.js';
import { epochSeconds as nowSeconds } from '../epoch-seconds.js';

/** Options of {@link RedisRevocationStore}: a URL (the store opens and closes its connections) or a client of yours. */
export type RedisRevocationStoreOptions = ({ url: string; client?: never } | { client: Redis; url?: never }) & {
  /** Prefix of every key and of the pub/sub channel. Default `nest-jwt-extended:`. */
  keyPrefix?: string;
  /** Longest wait for one Redis command, in milliseconds. Default 1000. */
  commandTimeoutMs?: number;
};

type ScriptedRedis = Redis & {
  njeRevokeEntry(
    zset: string,
    member: string,
    expiresAt: number,
    now: number,
    channel: string,
    message: string,
  ): Promise<number>;
  njeRevokeUser(...args: Array<string | number>): Promise<string>;
  njeRegisterSession(zset: string, member: string, expiresAt: number, now: number): Promise<number>;
  njeRotate(...args: Array<string | number>): Promise<RotationOutcome>;
};

/**
 * Keeps revocations in Redis and announces them over pub/sub, so every instance of an app enforces a logout
 * within about a second. Revocations are sorted sets scored by expiry, pruned on every write, and each key expires
 * with the last token it concerns: Redis never fills with dead entries. Give Redis persistence (AOF or RDB) in
 * production, or revocations are forgotten when it restarts.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ secret, revocationStore: new RedisRevocationStore({ url: process.env.REDIS_URL! }) });
 * // or share a client: new RedisRevocationStore({ client: redis })
 * ```
 */
export class RedisRevocationStore implements RevocationStore {
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly channel: string;
  private client?: Promise<ScriptedRedis>;
  private readonly subscribers = new Set<Redis>();

  constructor(private readonly options: RedisRevocationStoreOptions) {
    if (!options || (typeof options.url !== 'string' && options.client === undefined)) {
      throw new TypeError('RedisRevocationStore needs a url or a client');
    }
    this.prefix = options.keyPrefix ?? 'nest-jwt-extended:';
    this.timeoutMs = options.commandTimeoutMs ?? 1000;
    this.channel = `${this.prefix}revocations`;
  }

  async revoke(revocation: Revocation): Promise<Revocation> {
    const redis = await this.redis();
    const now = nowSeconds();
    if (revocation.kind === 'user') {
      const stored = await this.run(
        redis.njeRevokeUser(
          this.key('revoked:user'),
          this.key('revoked:user:after'),
          this.key('revoked:session'),
          this.key(`sessions:${revocation.id}`),
          revocation.id,
          revocation.expiresAt,
          revocation.validAfter ?? now,
          now,
          this.channel,
        ),
        'revoke',
      );
      return parseRevocation(stored) ?? revocation;
    }
    const message = JSON.stringify({ kind: revocation.kind, id: revocation.id, expiresAt: revocation.expiresAt });
    await this.run(
      redis.njeRevokeEntry(
        this.key(`revoked:${revocation.kind}`),
        revocation.id,
        revocation.expiresAt,
        now,
        this.channel,
        message,
      ),
      'revoke',
    );
    return { kind: revocation.kind, id: revocation.id, expiresAt: revocation.expiresAt };
  }

  async list(): Promise<Revocation[]> {
    const redis = await this.redis();
    const now = nowSeconds();
    const live = (kind: string) => redis.zrangebyscore(this.key(`revoked:${kind}`), `(${now}`, '+inf', 'WITHSCORES');
    const [tokens, sessions, users, validAfter] = await this.run(
      Promise.all([live('token'), live('session'), live('user'), redis.hgetall(this.key('revoked:user:after'))]),
      'list',
    );
    const entries = (kind: 'token' | 'session', flat: string[]): Revocation[] =>
      pairs(flat).map(([id, score]) => ({ kind, id, expiresAt: Number(score) }));
    return [
      ...entries('token', tokens),
      ...entries('session', sessions),
      ...pairs(users).map(([id, score]): Revocation => ({
        kind: 'user',
        id,
        expiresAt: Number(score),
        validAfter: Number(validAfter[id] ?? 0),
      })),
    ];
  }

  async subscribe(feed: RevocationFeed): Promise<() => Promise<void>> {
    this.client ??= this.connect();
    const base = await this.client;
    // A connection of its own: a subscribed connection can run nothing else. It queues SUBSCRIBE until connected.
    const subscriber = base.duplicate({ enableOfflineQueue: true, autoResubscribe: false, lazyConnect: true });
    this.subscribers.add(subscriber);
    subscriber.on('message', (_channel: string, message: string) => {
      const revocation = parseRevocation(message);
      if (revocation) feed.revoked(revocation);
    });
    // Subscribe again on every (re)connection, then tell the view, which reloads: nothing published meanwhile is lost.
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => feed.connectionChanged(true),
        () => feed.connectionChanged(false),
      );
    });
    subscriber.on('close', () => feed.connectionChanged(false));
    subscriber.on('error', () => undefined); // reconnection is ioredis' job; 'close' has told the view
    subscriber.connect().catch(() => undefined);
    return async () => {
      // Listeners first: disconnect() half-closes, and ioredis would go on emitting what is already in flight.
      subscriber.removeAllListeners('message');
      subscriber.removeAllListeners('close');
      subscriber.removeAllListeners('ready');
      this.subscribers.delete(subscriber);
      subscriber.disconnect();
    };
  }

  async registerSession(identity: string, sessionId: string, expiresAt: number): Promise<void> {
    const redis = await this.redis();
    await this.run(
      redis.njeRegisterSession(this.key(`sessions:${identity}`), sessionId, expiresAt, nowSeconds()),
      'register session',
    );
  }

  async rotateRefreshToken(request: RotationRequest): Promise<RotationOutcome> {
    const redis = await this.redis();
    return this.run(
      redis.njeRotate(
        this.key(`rotation:${request.sessionId}`),
        this.key('revoked:session'),
        request.presentedJti,
        request.nextJti,
        request.now,
        request.graceMs,
        request.sessionExpiresAt,
        Math.floor(request.now / 1000),
        this.channel,
        request.sessionId,
      ),
      'rotate',
    );
  }

  async close(): Promise<void> {
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers.clear();
    if (this.options.url !== undefined && this.client) {
      const client = await this.client;
      this.client = undefined;
      await withTimeout(client.quit(), this.timeoutMs, 'Redis (quit)').catch(() => client.disconnect());
    }
  }

  /**
   * The command connection, ready. The offline queue is off, so a write is never replayed after we reported it failed;
   * instead each command waits (bounded) for the connection to be ready.
   */
  private async redis(): Promise<ScriptedRedis> {
    this.client ??= this.connect();
    const client = await this.client;
    if (client.status !== 'ready') {
      await withTimeout(once(client, 'ready'), this.timeoutMs, 'Redis (connect)');
    }
    return client;
  }

  private async connect(): Promise<ScriptedRedis> {
    let client: Redis;
    if (this.options.client) {
      client = this.options.client;
    } else {
      const { Redis: RedisClient } = await import('ioredis');
      const settings: RedisOptions = {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: this.timeoutMs,
      };
      client = new RedisClient(this.options.url, settings);
      client.on('error', () => undefined); // every command reports its own failure; reconnection is automatic
    }
    client.defineCommand('njeRevokeEntry', { numberOfKeys: 1, lua: REVOKE_ENTRY });
    client.defineCommand('njeRevokeUser', { numberOfKeys: 4, lua: REVOKE_USER });
    client.defineCommand('njeRegisterSession', { numberOfKeys: 1, lua: REGISTER_SESSION });
    client.defineCommand('njeRotate', { numberOfKeys: 2, lua: ROTATE });
    return client as ScriptedRedis;
  }

  private run<T>(command: Promise<T>, what: string): Promise<T> {
    return withTimeout(command, this.timeoutMs, `Redis (${what})`);
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }
}

function pairs(flat: string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([flat[i]!, flat[i + 1]!]);
  return result;
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
      ...(value.validAfter === undefined ? {} : { validAfter: Number(value.validAfter) }),
      // cjson encodes an empty Lua table as {}, not [].
      ...(Array.isArray(value.sessionIds) ? { sessionIds: value.sessionIds.map(String) } : {}),
    };
  } catch {
    return undefined;
  }
}
