import type { Cluster, Redis } from 'ioredis';
import type { RevocationFeed } from '../revocation-store.interface.js';
import type { RedisOutageLog } from './redis-revocation.outage-log.js';
import { withTimeout } from '../with-timeout.js';

/** What a subscriber needs from its store: the channel, the longest wait for Redis, and where outages are told. */
export interface SubscriberSettings {
  channel: string;
  timeoutMs: number;
  outage: RedisOutageLog;
}

/** First and longest wait before a cluster subscriber picks another master. */
const RESUBSCRIBE_FIRST_MS = 100;
const RESUBSCRIBE_MAX_MS = 5000;

/**
 * One Redis or Sentinel: a connection of its own (a subscribed connection can run nothing else), reconnected by
 * ioredis. It subscribes again on every (re)connection, then tells the view, which reloads: nothing published
 * meanwhile is lost. Returns the function that stops it.
 */
export function followRedis(
  base: Redis,
  settings: SubscriberSettings,
  feed: RevocationFeed,
  deliver: (message: string) => void,
): () => void {
  const subscriber = base.duplicate({ enableOfflineQueue: true, autoResubscribe: false, lazyConnect: true });
  const stopHeartbeat = heartbeat(subscriber, settings.timeoutMs, (error) => {
    settings.outage.failed(error);
    subscriber.disconnect(true);
  });
  subscriber.on('message', (_channel: string, message: string) => deliver(message));
  subscriber.on('ready', () => {
    settings.outage.answered();
    subscriber.subscribe(settings.channel).then(
      () => feed.connectionChanged(true),
      () => feed.connectionChanged(false),
    );
  });
  subscriber.on('close', () => feed.connectionChanged(false));
  // Reconnection is ioredis' job and 'close' has told the view; the log says it once per outage, not per retry.
  subscriber.on('error', (error: unknown) => settings.outage.failed(error));
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
 * and only then reported connected, so the view reloads what it may have missed. A node's failure is not an outage
 * of the cluster (another master is picked): the cluster client's own errors are what the outage log hears.
 */
export function followCluster(
  cluster: Cluster,
  settings: SubscriberSettings,
  feed: RevocationFeed,
  deliver: (message: string) => void,
): () => void {
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
      connectTimeout: settings.timeoutMs,
      maxRetriesPerRequest: 0,
    });
    current = subscriber;
    const stopHeartbeat = heartbeat(subscriber, settings.timeoutMs, () => subscriber.disconnect());
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
      .then(() => subscriber.subscribe(settings.channel))
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
function heartbeat(subscriber: Redis, timeoutMs: number, lost: (error: unknown) => void): () => void {
  let pinging = false;
  const timer = setInterval(
    () => {
      if (pinging || subscriber.status !== 'ready') return;
      pinging = true;
      withTimeout(subscriber.ping(), timeoutMs, 'Redis (subscriber ping)').then(
        () => (pinging = false),
        (error: unknown) => {
          pinging = false;
          lost(error);
        },
      );
    },
    Math.max(1000, timeoutMs),
  ).unref();
  return () => clearInterval(timer);
}
