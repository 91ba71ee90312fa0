import { once } from 'node:events';
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { loadIoredis, type IoredisModule } from './ioredis-loader.js';
import {
  REGISTER_SESSION,
  REPLACE_REFRESH,
  REVOKE_ENTRY,
  REVOKE_USER,
  ROTATE,
  TOUCH_SESSION,
} from './redis-revocation.scripts.js';
import { RedisOutageLog } from './redis-revocation.outage-log.js';
import { followCluster, followRedis } from './redis-revocation.subscriber.js';
import type { RevocationFeed, RotationOutcome } from '../revocation-store.interface.js';
import { withTimeout } from '../with-timeout.js';

/** A Sentinel setup: the sentinels to ask, the monitored master's name, and any other ioredis option. */
export type RedisSentinelOptions = Omit<RedisOptions, 'sentinels' | 'name'> & {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
};

/**
 * Where `RedisRevocationStore` finds Redis: a URL, a client of yours (a `Redis` or a `Cluster`: never closed by the
 * store), the nodes of a Redis Cluster, or a Sentinel setup. The store opens and closes its own connections for all
 * but `client`.
 */
export type RedisRevocationStoreConnection =
  | { url: string; client?: never; cluster?: never; sentinel?: never }
  | { client: Redis | Cluster; url?: never; cluster?: never; sentinel?: never }
  | { cluster: ClusterNode[]; clusterOptions?: ClusterOptions; url?: never; client?: never; sentinel?: never }
  | { sentinel: RedisSentinelOptions; url?: never; client?: never; cluster?: never };

type Arg = string | number | Buffer;

/** A client with the store's scripts defined on it. */
export type ScriptedClient = (Redis | Cluster) & {
  njeRevokeEntry(...args: Arg[]): Promise<number>;
  njeRevokeUser(...args: Arg[]): Promise<string>;
  njeRegisterSession(...args: Arg[]): Promise<number>;
  njeTouchSession(...args: Arg[]): Promise<number>;
  njeRotate(...args: Arg[]): Promise<RotationOutcome>;
  njeReplaceRefresh(...args: Arg[]): Promise<'replaced' | 'revoked'>;
};

/**
 * The store's connections to Redis: the command connection (opened on first use, its offline queue off), the
 * subscribers, and the log that tells an outage once. ioredis is loaded when this is built, unless the app gives its
 * own client (see `loadIoredis`).
 */
export class RedisConnection {
  private readonly ioredis?: IoredisModule;
  private client?: ScriptedClient;
  private ready?: Promise<unknown>;
  private readonly subscriptions = new Set<() => void>();
  private readonly outage: RedisOutageLog;

  constructor(
    private readonly options: RedisRevocationStoreConnection & { clusterOptions?: ClusterOptions },
    private readonly timeoutMs: number,
    private readonly channel: string,
    load: () => IoredisModule = loadIoredis,
  ) {
    this.ioredis = options.client === undefined ? load() : undefined;
    this.outage = new RedisOutageLog(options);
  }

  /**
   * The command connection, ready. The offline queue is off, so a write is never replayed after we reported it failed;
   * instead each command waits (bounded) for the connection to be ready.
   */
  async commands(): Promise<ScriptedClient> {
    const client = this.connection();
    if (client.status !== 'ready') {
      // One wait shared by every command that arrives meanwhile (one listener, not one per command).
      this.ready ??= withTimeout(once(client, 'ready'), this.timeoutMs, 'Redis (connect)').finally(() => {
        this.ready = undefined;
      });
      await this.ready;
    }
    return client;
  }

  /** Follows the channel: `deliver` gets each message, `feed` each change of the subscriber's connection. */
  subscribe(feed: RevocationFeed, deliver: (message: string) => void): () => void {
    const base = this.connection();
    const settings = { channel: this.channel, timeoutMs: this.timeoutMs, outage: this.outage };
    const stop = base.isCluster
      ? followCluster(base as Cluster, settings, feed, deliver)
      : followRedis(base as Redis, settings, feed, deliver);
    this.subscriptions.add(stop);
    return () => {
      this.subscriptions.delete(stop);
      stop();
    };
  }

  /** Stops every subscriber, and closes the command connection unless it is the app's. */
  async close(): Promise<void> {
    for (const stop of this.subscriptions) stop();
    this.subscriptions.clear();
    const client = this.client;
    if (this.options.client === undefined && client) {
      this.client = undefined;
      await withTimeout(client.quit(), this.timeoutMs, 'Redis (quit)').catch(() => client.disconnect());
    }
  }

  private connection(): ScriptedClient {
    this.client ??= this.open();
    return this.client;
  }

  private open(): ScriptedClient {
    const settings: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: this.timeoutMs,
    };
    const { options, ioredis } = this;
    let client: Redis | Cluster;
    if (options.client) {
      client = options.client;
    } else if (options.cluster) {
      const clusterOptions = options.clusterOptions ?? {};
      client = new ioredis!.Cluster(options.cluster, {
        enableOfflineQueue: false,
        ...clusterOptions,
        redisOptions: { connectTimeout: this.timeoutMs, ...clusterOptions.redisOptions },
      });
    } else if (options.sentinel) {
      client = new ioredis!.Redis({ ...settings, ...options.sentinel });
    } else {
      client = new ioredis!.Redis(options.url, settings);
    }
    if (!options.client) {
      // Every command reports its own failure and reconnection is automatic: the log tells an outage once.
      client.on('error', (error: unknown) => this.outage.failed(error));
      client.on('ready', () => this.outage.answered());
    }
    client.defineCommand('njeRevokeEntry', { numberOfKeys: 2, lua: REVOKE_ENTRY });
    client.defineCommand('njeRevokeUser', { numberOfKeys: 5, lua: REVOKE_USER });
    client.defineCommand('njeRegisterSession', { numberOfKeys: 2, lua: REGISTER_SESSION });
    client.defineCommand('njeTouchSession', { numberOfKeys: 1, lua: TOUCH_SESSION });
    client.defineCommand('njeRotate', { numberOfKeys: 3, lua: ROTATE });
    client.defineCommand('njeReplaceRefresh', { numberOfKeys: 2, lua: REPLACE_REFRESH });
    return client as ScriptedClient;
  }
}
