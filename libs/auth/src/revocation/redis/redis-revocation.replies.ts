// Arguments and replies of the Redis store's commands: plain functions, no I/O.
import type { Revocation, SessionRecord } from '../revocation-store.interface.js';
import { decodeId } from './revocation-shards.js';

/** Where a revocation goes in its shard's recent stream, and how long that stream is kept. */
export interface RecentArgs {
  /** The entry's id in its recent stream, in ms. */
  revokedAtMs: string;
  /** Entries older than this (ms) are trimmed from the stream. */
  cutoffMs: string;
  /** The stream may expire then (s). */
  keepUntil: number;
}

/** The {@link RecentArgs} of a revocation made at `revokedAtMs`, kept in the stream for `recentFor` seconds. */
export function recentArgs(revokedAtMs: number, now: number, recentFor: number): RecentArgs {
  const keep = Math.max(0, Math.ceil(recentFor));
  return {
    revokedAtMs: String(Math.max(0, Math.floor(revokedAtMs))),
    cutoffMs: String(Math.max(0, (now - keep) * 1000)),
    keepUntil: Math.floor(revokedAtMs / 1000) + keep + 1,
  };
}

/** `[a, 1, b, 2]` (a WITHSCORES reply) as `[[a, 1], [b, 2]]`. */
export function pairs(flat: string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([flat[i]!, flat[i + 1]!]);
  return result;
}

const KINDS: Record<string, Revocation['kind']> = { t: 'token', s: 'session', u: 'user' };

/** One entry of a recent stream. */
export function parseEntry(id: Buffer, fields: Buffer[]): Revocation | undefined {
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

/** A session's stored `createdAt:lastRefreshedAt:metadata`; `undefined` when malformed. */
export function parseSessionInfo(
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

/** A revocation as published or returned by a script (JSON); `undefined` when malformed. */
export function parseRevocation(message: string): Revocation | undefined {
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
