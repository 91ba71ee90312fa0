import { Logger } from '@nestjs/common';
import type { Cluster, ClusterNode, Redis } from 'ioredis';

/** Where a store's Redis is, as {@link describeRedisTarget} reads it from the store's options. */
export interface RedisTarget {
  url?: string;
  client?: Redis | Cluster;
  cluster?: ClusterNode[];
  sentinel?: { sentinels: Array<{ host: string; port: number }>; name: string };
}

/** What {@link RedisOutageLog} writes to: Nest's `Logger`, or a test's stand-in. */
export type OutageLogger = Pick<Logger, 'warn' | 'log'>;

const MASK = '****';

/**
 * `url` with its password (and a `password` query parameter, which ioredis also reads) replaced by `****`; the user
 * name is kept. A string that is not a URL is shown up to its last `@` masked, so no password slips through either.
 *
 * @example
 * ```ts
 * maskRedisUrl('redis://:s3cret@127.0.0.1:6390/0'); // 'redis://:****@127.0.0.1:6390/0'
 * ```
 */
export function maskRedisUrl(url: string): string {
  const parsed = parseUrl(url);
  if (parsed === undefined) {
    const at = url.lastIndexOf('@');
    return at < 0 ? url : `${MASK}${url.slice(at)}`;
  }
  if (parsed.password !== '') parsed.password = MASK;
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', MASK);
  // URLSearchParams encodes the asterisks; the mask reads better as typed.
  return parsed.href.replaceAll(encodeURIComponent(MASK), MASK);
}

/**
 * How the log names a store's Redis: `Redis at <url>` (password masked), `Redis Cluster at <node>, <node>`, or
 * `Redis master "<name>" via Sentinel at <sentinel>, ...`; for a client of the app's, where that client connects.
 */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.url !== undefined) return `Redis at ${maskRedisUrl(target.url)}`;
  if (target.cluster !== undefined) return `Redis Cluster at ${target.cluster.map(describeNode).join(', ')}`;
  if (target.sentinel !== undefined) return describeSentinel(target.sentinel.name, target.sentinel.sentinels);
  const client = target.client;
  if (client === undefined) return 'Redis';
  if (client.isCluster) {
    // ioredis keeps the nodes it was given in a field its types call private.
    const nodes = (client as unknown as { startupNodes?: ClusterNode[] }).startupNodes ?? [];
    return `Redis Cluster at ${nodes.map(describeNode).join(', ')}`;
  }
  const { host, port, db, sentinels, name } = (client as Redis).options;
  if (sentinels?.length) return describeSentinel(name ?? '', sentinels);
  return `Redis at ${host ?? 'localhost'}:${port ?? 6379}/${db ?? 0}`;
}

function describeSentinel(name: string, sentinels: Array<{ host?: string; port?: number }>): string {
  return `Redis master "${name}" via Sentinel at ${sentinels.map(describeNode).join(', ')}`;
}

function describeNode(node: ClusterNode | { host?: string; port?: number }): string {
  if (typeof node === 'number') return `127.0.0.1:${node}`;
  if (typeof node === 'string') return node.includes('//') || node.includes('@') ? maskRedisUrl(node) : node;
  return `${node.host ?? '127.0.0.1'}:${node.port ?? 6379}`;
}

/**
 * What went wrong, in one phrase: Node's own words for a socket error (`connect ECONNREFUSED 127.0.0.1:6390`), each
 * address tried when a host name resolved to several, and the last node's error after a cluster's "Failed to refresh
 * slots cache".
 */
export function describeRedisCause(error: unknown): string {
  // Duck-typed: an error made in another realm (a vm context, a test runner's) is no `instanceof Error` here.
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return String(error);
  const { message, name, code, errors, lastNodeError } = error as Error & {
    code?: unknown;
    errors?: unknown[];
    lastNodeError?: unknown;
  };
  const own = message || (typeof code === 'string' ? code : name);
  if (Array.isArray(errors) && errors.length > 0 && !message) return errors.map(describeRedisCause).join('; ');
  if (lastNodeError !== undefined && lastNodeError !== null) return `${own} ${describeRedisCause(lastNodeError)}`;
  return own;
}

/**
 * Says, once per outage, that the store's Redis does not answer, naming it (password masked) and why; and, once it
 * answers again, that it does. The store reports every connection error and every `ready` of its connections here:
 * ioredis retries a lost connection for ever, each retry failing with an error of its own, and only the first failure
 * after start-up or after the last `ready` is logged. The bound: one warning per outage, whatever the retries, and an
 * outage ends only when a connection becomes ready, so the warnings never outnumber Redis' accepted connections plus
 * one (and the recoveries never outnumber the warnings).
 */
export class RedisOutageLog {
  private down = false;
  private readonly secrets: string[];

  constructor(
    private readonly target: RedisTarget,
    private readonly logger: OutageLogger = new Logger('RedisRevocationStore'),
  ) {
    this.secrets = passwordsOf(target);
  }

  /** A connection failed or stopped answering. */
  failed(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(
      this.hide(
        `${describeRedisTarget(this.target)} does not answer (${describeRedisCause(error)}); ` +
          'revocation checks answer 503 until it does',
      ),
    );
  }

  /** A connection is ready. */
  answered(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log(`${describeRedisTarget(this.target)} answers again`);
  }

  // The cause comes from ioredis and Node, which never quote a password; this makes sure of it.
  private hide(line: string): string {
    return this.secrets.reduce((text, secret) => text.replaceAll(secret, MASK), line);
  }
}

/** The URL's password, as typed and decoded, when long enough to be told apart from ordinary words. */
function passwordsOf(target: RedisTarget): string[] {
  const url = target.url === undefined ? undefined : parseUrl(target.url);
  if (url === undefined) return [];
  const typed = [url.password, url.searchParams.get('password') ?? ''];
  return [...new Set([...typed, ...typed.map(safeDecode)])].filter((secret) => secret.length >= 4);
}

/** `text` as a URL with an authority (`scheme://...`); `host:6379` or `user:pw@host` would parse as a bare scheme. */
function parseUrl(text: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
