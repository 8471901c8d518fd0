-- Reads an event's cached seat map, or elects the one caller that rebuilds it (single flight).
-- KEYS[1] seat-map hash     cache:seats:{event:N}
-- KEYS[2] rebuild lock      cache:seats:{event:N}:rebuild
-- ARGV[1] field to return   full | compact | full.gz | compact.gz
-- ARGV[2] the caller's ETag (from If-None-Match) or ""
-- ARGV[3] lock token, unique per caller
-- ARGV[4] lock time-to-live in ms
-- Returns {state[, etag[, body]]}, state one of:
--   HIT (fresh) | STALE (someone else is rebuilding) | NOT_MODIFIED (etag matches: no body)
--   | MISSING (no such event) | REBUILD (this caller took the lock and must rebuild) | WAIT
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cached = redis.call('HMGET', KEYS[1], 'etag', 'fresh_until', 'missing')
local etag, fresh_until, missing = cached[1], tonumber(cached[2] or '0'), cached[3]

local function answer(state)
  if missing then return {'MISSING'} end
  if etag == ARGV[2] then return {'NOT_MODIFIED', etag} end
  return {state, etag, redis.call('HGET', KEYS[1], ARGV[1])}
end

if etag or missing then
  if fresh_until > now then return answer('HIT') end
  if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then return {'REBUILD'} end
  return answer('STALE')
end
if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then return {'REBUILD'} end
return {'WAIT'}
