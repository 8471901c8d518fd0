-- Stores an event's seat map read from the table (the repair path: first read, eviction, failover,
-- FLUSHALL) and marks it complete. Seats the stream changed meanwhile (seat_map_apply.lua) keep the newer
-- state: a seat the map already has is overwritten only by a newer or equal version. Releases the rebuild
-- lock if this caller still holds it.
-- KEYS[1] map header       cache:seats:{event:N}
-- KEYS[2] seat states      cache:seats:{event:N}:states    one byte per seat (offset seat_id - 1)
-- KEYS[3] seat versions    cache:seats:{event:N}:versions  4 bytes per seat, 7 bits each, big-endian
-- KEYS[4] live holds       cache:seats:{event:N}:holds
-- KEYS[5] rebuild lock     cache:seats:{event:N}:rebuild
-- ARGV[1] lock token
-- ARGV[2] generation: a new one per rebuild, so no version of an earlier map is mistaken for this one's
-- ARGV[3] seat states as read (one byte per seat)
-- ARGV[4] seat versions as read (4 bytes per seat)
-- ARGV[5..] repeated (seat_id, hold expiry in epoch ms) of the seats read as held
-- Returns the number of seats where the stream's newer state was kept.
local function decode(bytes, at)
  local a, b, c, d = string.byte(bytes, at, at + 3)
  if not d then return -1 end
  return ((a * 128 + b) * 128 + c) * 128 + d
end
local had_states = redis.call('GET', KEYS[2])
local had_versions = redis.call('GET', KEYS[3]) or ''
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SET', KEYS[3], ARGV[4])
local kept = {}
local newer = 0
if had_states then
  -- only the seats the stream has written since the map went missing have a byte: find them, skip the gaps
  local at = string.find(had_states, '[^%z]')
  while at do
    local offset = at - 1
    local version = decode(had_versions, offset * 4 + 1)
    if version > decode(ARGV[4], offset * 4 + 1) then
      redis.call('SETRANGE', KEYS[2], offset, string.sub(had_states, at, at))
      redis.call('SETRANGE', KEYS[3], offset * 4, string.sub(had_versions, offset * 4 + 1, offset * 4 + 4))
      kept[tostring(at)] = true
      newer = newer + 1
    end
    at = string.find(had_states, '[^%z]', at + 1)
  end
end
for i = 5, #ARGV, 2 do
  if not kept[ARGV[i]] then redis.call('ZADD', KEYS[4], ARGV[i + 1], ARGV[i]) end
end
redis.call('HDEL', KEYS[1], 'missing')
redis.call('HSET', KEYS[1], 'generation', ARGV[2], 'ready', '1')
redis.call('HINCRBY', KEYS[1], 'version', 1)
if redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('DEL', KEYS[5]) end
return newer
