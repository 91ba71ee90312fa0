// The Redis key layout of RedisRevocationStore. Every key carries a hash tag `{s}` (its shard), so that each Lua script,
// which touches the keys of one shard only, runs on Redis Cluster; and no key holds every revocation of the app, so no
// single node (and no hot key) carries the whole write load.

/**
 * Shards of the layout: 64 hash tags, so 64 slots spread over the cluster's masters. Changing it moves every entry:
 * the number is part of the layout, like the key names.
 */
export const SHARDS = 64;

/**
 * Buckets of revoked `jti`s and of revoked sessions per shard: 2048, so 131,072 small sorted sets per kind. Redis keeps
 * a sorted set of at most 128 short members as a listpack (about 27 bytes an entry) instead of a skiplist (about 128):
 * the buckets stay listpacks up to 16.7 million live revocations per kind (64 x 2048 x 128), beyond which they
 * degrade gracefully into skiplists (still correct, more memory).
 */
export const BUCKETS_PER_SHARD = 2048;

/** 32-bit FNV-1a of the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The shard of an id (a `jti`, a session id or an identity). */
export function shardOf(id: string): number {
  return fnv1a32(id) % SHARDS;
}

/** The bucket, within its shard, of a revoked `jti` or session id. */
export function bucketOf(id: string): number {
  return Math.floor(fnv1a32(id) / SHARDS) % BUCKETS_PER_SHARD;
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An id as stored in the revocation sets and the recent streams. A canonical (lower-case) UUID, what this library
 * mints, takes 16 raw bytes instead of 36 characters. Any other id keeps its UTF-8 bytes, and never has length 16:
 * shorter ones are kept as they are, ids of 16 bytes or more get a NUL byte appended. So the encoding is one-to-one.
 */
export function encodeId(id: string): Buffer {
  if (CANONICAL_UUID.test(id)) return Buffer.from(id.replaceAll('-', ''), 'hex');
  const text = Buffer.from(id, 'utf8');
  return text.length < 16 ? text : Buffer.concat([text, Buffer.alloc(1)]);
}

/** The id {@link encodeId} encoded. */
export function decodeId(stored: Buffer): string {
  if (stored.length === 16) {
    const hex = stored.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return (stored.length < 16 ? stored : stored.subarray(0, stored.length - 1)).toString('utf8');
}

/** The names of the store's keys under one prefix. */
export class RevocationKeys {
  /** The pub/sub channel of revocations. */
  readonly channel: string;

  constructor(private readonly prefix: string) {
    if (/[{}]/.test(prefix)) {
      throw new TypeError(
        `RedisRevocationStore: keyPrefix must not contain "{" or "}" (got ${JSON.stringify(prefix)})`,
      );
    }
    this.channel = `${prefix}revocations`;
  }

  /** Revoked `jti`s of `jti`'s bucket: member = encoded jti, score = expiresAt. */
  revokedToken(jti: string): string {
    return `${this.tag(shardOf(jti))}:rt:${bucketOf(jti)}`;
  }

  /** Revoked sessions of `sessionId`'s bucket: member = encoded session id, score = expiresAt. */
  revokedSession(sessionId: string): string {
    return `${this.tag(shardOf(sessionId))}:rs:${bucketOf(sessionId)}`;
  }

  /** Revoked users of a shard: member = encoded identity, score = expiresAt. */
  revokedUsers(shard: number): string {
    return `${this.tag(shard)}:ru`;
  }

  /** Valid-after of the revoked users of a shard: field = encoded identity. */
  validAfter(shard: number): string {
    return `${this.tag(shard)}:ua`;
  }

  /** The recent revocations of a shard: a stream, entry id = revokedAt in ms. */
  recent(shard: number): string {
    return `${this.tag(shard)}:recent`;
  }

  /** The user's sessions: member = session id, score = expiresAt. */
  sessions(identity: string): string {
    return `${this.tag(shardOf(identity))}:sess:${identity}`;
  }

  /** What the user's sessions were recorded with: field = session id, value = `createdAt:lastRefreshedAt:metadata`. */
  sessionInfo(identity: string): string {
    return `${this.tag(shardOf(identity))}:sinfo:${identity}`;
  }

  /** The rotation state of a session: hash cur / prev / at. */
  rotation(sessionId: string): string {
    return `${this.tag(shardOf(sessionId))}:rot:${sessionId}`;
  }

  private tag(shard: number): string {
    return `${this.prefix}{${shard}}`;
  }
}
