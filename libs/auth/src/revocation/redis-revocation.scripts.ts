// Lua run by RedisRevocationStore. Each script is one atomic step: no other client sees a half-done revocation,
// and two refreshes with one token cannot both pass. Every key gets the expiry of the latest token it concerns.

const HELPERS = `
local function extend(key, at)
  if redis.call('EXPIRETIME', key) < at then redis.call('EXPIREAT', key, at) end
end
local function add(zset, member, at, now)
  redis.call('ZREMRANGEBYSCORE', zset, '-inf', now)
  redis.call('ZADD', zset, 'GT', at, member)
  extend(zset, at)
end
`;

/** KEYS: revoked zset. ARGV: member, expiresAt, now (s), channel, message. */
export const REVOKE_ENTRY = `${HELPERS}
add(KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/**
 * KEYS: revoked-user zset, user valid-after hash, revoked-session zset, the user's session zset.
 * ARGV: identity, expiresAt, validAfter, now (s), channel. Ends every live session of the user too.
 */
export const REVOKE_USER = `${HELPERS}
local identity, at, after, now = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 1, #dead do redis.call('HDEL', KEYS[2], dead[i]) end
add(KEYS[1], identity, at, now)
local previous = tonumber(redis.call('HGET', KEYS[2], identity) or '0')
if previous < after then redis.call('HSET', KEYS[2], identity, after) end
extend(KEYS[2], at)
local sessions = redis.call('ZRANGEBYSCORE', KEYS[4], '(' .. now, '+inf')
for i = 1, #sessions do add(KEYS[3], sessions[i], at, now) end
redis.call('DEL', KEYS[4])
local message = cjson.encode({ kind = 'user', id = identity, expiresAt = at, validAfter = math.max(previous, after), sessionIds = sessions })
redis.call('PUBLISH', ARGV[5], message)
return message
`;

/** KEYS: the user's session zset. ARGV: session id, expiresAt, now (s). */
export const REGISTER_SESSION = `${HELPERS}
add(KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
return 1
`;

/**
 * KEYS: the session's rotation hash, revoked-session zset.
 * ARGV: presented jti, next jti, now (ms), grace (ms), session expiresAt (s), now (s), channel, session id.
 */
export const ROTATE = `${HELPERS}
local presented, nextJti, nowMs, graceMs = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local expiresAt, now, sid = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[8]
local revokedUntil = tonumber(redis.call('ZSCORE', KEYS[2], sid) or '0')
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
add(KEYS[2], sid, expiresAt, now)
redis.call('PUBLISH', ARGV[7], cjson.encode({ kind = 'session', id = sid, expiresAt = expiresAt }))
return 'reused'
`;
