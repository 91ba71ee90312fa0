// Lua run by RedisRevocationStore. Each script is one atomic step, and touches the keys of ONE shard only (they share
// the hash tag `{s}`), so it runs on Redis Cluster. Every key gets the expiry of the latest entry it holds.
//
// The recent stream of a shard: entry id = revokedAt in ms (the caller's clock; raised to the stream's last id when a
// caller's clock is behind, with the true revokedAt then in field `r`), fields k (t, s or u), i (encoded id), e
// (expiresAt), v (a user's valid-after). Trimmed on every write to the writer's `recentFor` (MINID), so it holds the
// last few minutes of revocations: read by listRecent in pages.

const HELPERS = `
local function extend(key, at)
  if redis.call('EXPIRETIME', key) < at then redis.call('EXPIREAT', key, at) end
end
local function add(zset, member, at, now)
  redis.call('ZREMRANGEBYSCORE', zset, '-inf', now)
  redis.call('ZADD', zset, 'GT', at, member)
  extend(zset, at)
end
-- Appends to the recent stream: ms = revokedAt in ms, cutoff = oldest ms kept, keep = when the stream may go.
local function append(stream, ms, cutoff, keep, fields)
  local ok = pcall(redis.call, 'XADD', stream, 'MINID', cutoff, ms .. '-*', unpack(fields))
  if not ok then
    -- An id at or below the stream's last one (a caller whose clock is behind): take the last one's ms.
    local info = redis.call('XINFO', 'STREAM', stream)
    local last = '0-0'
    for i = 1, #info, 2 do if info[i] == 'last-generated-id' then last = info[i + 1] end end
    fields[#fields + 1] = 'r'
    fields[#fields + 1] = math.floor(tonumber(ms) / 1000)
    redis.call('XADD', stream, 'MINID', cutoff, string.match(last, '^(%d+)') .. '-*', unpack(fields))
  end
  extend(stream, keep)
end
`;

/**
 * A revoked jti or session. KEYS: its bucket zset, the shard's recent stream.
 * ARGV: encoded id, expiresAt, now (s), kind letter, revokedAt (ms), recent cutoff (ms), recent keep (s), channel,
 * message ('' to announce nothing).
 */
export const REVOKE_ENTRY = `${HELPERS}
local at = tonumber(ARGV[2])
add(KEYS[1], ARGV[1], at, tonumber(ARGV[3]))
append(KEYS[2], ARGV[5], ARGV[6], tonumber(ARGV[7]), { 'k', ARGV[4], 'i', ARGV[1], 'e', at })
if ARGV[9] ~= '' then redis.call('PUBLISH', ARGV[8], ARGV[9]) end
return 1
`;

/**
 * The last step of a user revocation (its sessions, in other shards, are revoked before it).
 * KEYS: the shard's revoked-user zset, valid-after hash, recent stream; the user's session zset and session info hash.
 * ARGV: encoded identity, identity, expiresAt, validAfter, now (s), revokedAt (ms), recent cutoff (ms), recent keep (s),
 * channel, revokedAt (s), the ended session ids (JSON array). Returns the announced message.
 */
export const REVOKE_USER = `${HELPERS}
local member, at, after, now = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 1, #dead do redis.call('HDEL', KEYS[2], dead[i]) end
add(KEYS[1], member, at, now)
local previous = tonumber(redis.call('HGET', KEYS[2], member) or '0')
if previous < after then redis.call('HSET', KEYS[2], member, after) else after = previous end
extend(KEYS[2], at)
local ended = cjson.decode(ARGV[11])
for i = 1, #ended do
  redis.call('ZREM', KEYS[4], ended[i])
  redis.call('HDEL', KEYS[5], ended[i])
end
append(KEYS[3], ARGV[6], ARGV[7], tonumber(ARGV[8]), { 'k', 'u', 'i', member, 'e', at, 'v', after })
local message = cjson.encode({ kind = 'user', id = ARGV[2], expiresAt = at, validAfter = after,
  revokedAt = tonumber(ARGV[10]), sessionIds = ended })
redis.call('PUBLISH', ARGV[9], message)
return message
`;

/**
 * KEYS: the user's session zset and session info hash. ARGV: session id, expiresAt, now (s), info, most kept.
 * Keeps the newest sessions only (by expiry), and drops the expired ones.
 */
export const REGISTER_SESSION = `${HELPERS}
local at, now, most = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 1, #dead do redis.call('HDEL', KEYS[2], dead[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], at, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
local over = redis.call('ZCARD', KEYS[1]) - most
if over > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, over - 1)
  for i = 1, #oldest do
    redis.call('ZREM', KEYS[1], oldest[i])
    redis.call('HDEL', KEYS[2], oldest[i])
  end
end
extend(KEYS[1], at)
extend(KEYS[2], at)
return 1
`;

/** KEYS: the user's session info hash. ARGV: session id, lastRefreshedAt. A session it does not know is left alone. */
export const TOUCH_SESSION = `
local info = redis.call('HGET', KEYS[1], ARGV[1])
if not info then return 0 end
local created, rest = string.match(info, '^(%d+):%d*:(.*)$')
if not created then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], created .. ':' .. ARGV[2] .. ':' .. rest)
return 1
`;

/**
 * KEYS: the session's rotation hash, its revoked-session bucket, the shard's recent stream.
 * ARGV: presented jti, next jti, now (ms), grace (ms), session expiresAt (s), now (s), channel, encoded session id,
 * recent cutoff (ms), recent keep (s), message announcing the session's revocation.
 */
export const ROTATE = `${HELPERS}
local presented, nextJti, nowMs, graceMs = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local expiresAt, now, member = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[8]
local revokedUntil = tonumber(redis.call('ZSCORE', KEYS[2], member) or '0')
if revokedUntil > now then return 'revoked' end
local state = redis.call('HMGET', KEYS[1], 'cur', 'prev', 'at')
if (not state[1]) or state[1] == presented then
  redis.call('HSET', KEYS[1], 'cur', nextJti, 'prev', presented, 'at', nowMs)
  redis.call('EXPIREAT', KEYS[1], expiresAt)
  return 'rotated'
end
if graceMs > 0 and state[2] == presented and nowMs - tonumber(state[3]) <= graceMs then
  redis.call('HSET', KEYS[1], 'cur', nextJti)
  return 'grace'
end
-- A used or older token: theft is assumed. No jti matches '', so the session stays closed until it expires.
redis.call('HSET', KEYS[1], 'cur', '', 'prev', '')
add(KEYS[2], member, expiresAt, now)
append(KEYS[3], ARGV[3], ARGV[9], tonumber(ARGV[10]), { 'k', 's', 'i', member, 'e', expiresAt })
redis.call('PUBLISH', ARGV[7], ARGV[11])
return 'reused'
`;

/**
 * KEYS: rotation state, the shard's revoked sessions. ARGV: next jti, now (ms), session expiry, now (s), session member.
 * A step-up's new refresh token becomes the only current one; a revoked or reuse-closed session stays as it is.
 */
export const REPLACE_REFRESH = `
local nextJti, nowMs, expiresAt, now, member = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local revokedUntil = tonumber(redis.call('ZSCORE', KEYS[2], member) or '0')
if revokedUntil > now then return 'revoked' end
if redis.call('HGET', KEYS[1], 'cur') == '' then return 'revoked' end
redis.call('HSET', KEYS[1], 'cur', nextJti, 'prev', '', 'at', nowMs)
redis.call('EXPIREAT', KEYS[1], expiresAt)
return 'replaced'
`;
