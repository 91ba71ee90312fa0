import type {
  RefreshTokenReplacement,
  Revocation,
  RotationOutcome,
  RotationRequest,
} from '../revocation-store.interface.js';
import type { ScriptedClient } from './redis-revocation.connection.js';
import { recentArgs } from './redis-revocation.replies.js';
import { encodeId, type RevocationKeys, shardOf } from './revocation-shards.js';

/** Runs one command under the store's timeout, named for the error it fails with. */
type Run = <T>(command: Promise<T>, what: string) => Promise<T>;

/**
 * Refresh-token rotation state of {@link RedisRevocationStore}: per session, a hash of the current and previous `jti`
 * and when it rotated, in the session's shard beside its revocation entry, expiring with the session. Each operation is
 * one Lua script over that shard's keys, so it is atomic on one Redis and on a Cluster alike.
 */
export class RedisRotations {
  constructor(
    private readonly keys: RevocationKeys,
    private readonly run: Run,
  ) {}

  /** Consumes the presented refresh token of a session, atomically (one script in the session's shard). */
  rotate(redis: ScriptedClient, request: RotationRequest): Promise<RotationOutcome> {
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

  /** Makes `nextJti` the session's one current refresh token (a step-up under rotation), atomically. */
  replace(redis: ScriptedClient, request: RefreshTokenReplacement): Promise<'replaced' | 'revoked'> {
    return this.run(
      redis.njeReplaceRefresh(
        this.keys.rotation(request.sessionId),
        this.keys.revokedSession(request.sessionId),
        request.nextJti,
        request.now,
        request.sessionExpiresAt,
        Math.floor(request.now / 1000),
        encodeId(request.sessionId),
      ),
      'replace refresh token',
    );
  }
}
