-- Stores a rebuilt seat map (or the fact that the event does not exist) and releases the
-- rebuild lock if this caller still holds it.
-- KEYS[1] seat-map hash     cache:seats:{event:N}
-- KEYS[2] rebuild lock      cache:seats:{event:N}:rebuild
-- ARGV[1] lock token
-- ARGV[2] fresh for, ms     (after that one caller rebuilds while the others get this copy)
-- ARGV[3] kept for, ms      (after that nobody gets this copy)
-- ARGV[4..] field, value pairs: etag, full, compact, full.gz, compact.gz; or missing, 1
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'fresh_until', now + tonumber(ARGV[2]), unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
return 1
