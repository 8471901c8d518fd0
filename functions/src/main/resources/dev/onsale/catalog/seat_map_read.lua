-- Reads an event's live seat map (one byte per seat, kept up to date from the seats table's stream by
-- seat_map_apply.lua), first letting lapsed holds go: a hold never blocks a seat past its expiry, whether
-- or not its expiry message has run. Elects one rebuilder (single flight) when the map is missing.
-- KEYS[1] map header       cache:seats:{event:N}           generation, version, ready | missing
-- KEYS[2] seat states      cache:seats:{event:N}:states    one byte per seat (offset seat_id - 1): A | H | S
-- KEYS[3] live holds       cache:seats:{event:N}:holds     sorted set: seat_id scored by hold expiry (epoch ms)
-- KEYS[4] rebuild lock     cache:seats:{event:N}:rebuild
-- ARGV[1] the version the caller already has ("generation.version") or ""
-- ARGV[2] lock token, unique per caller
-- ARGV[3] lock time-to-live in ms
-- ARGV[4] at most this many lapsed holds are let go by one read
-- ARGV[5] 1: a missing map elects this caller to rebuild it; 0: it is only reported (a read sent ahead
--         of the guards' verdict, whose caller may yet be refused, must not take the lock)
-- Returns {'SAME', version} (no body: the caller's copy is current) | {'MAP', version, states}
--   | {'MISSING'} (no such event) | {'REBUILD'} (this caller took the lock and must rebuild) | {'WAIT'}
--   | {'ABSENT'} (the map is missing; ARGV[5] was 0)
local header = redis.call('HMGET', KEYS[1], 'generation', 'version', 'ready', 'missing')
if header[4] then return {'MISSING'} end
if not header[3] or redis.call('EXISTS', KEYS[2]) == 0 then
  if ARGV[5] ~= '1' then return {'ABSENT'} end
  if redis.call('SET', KEYS[4], ARGV[2], 'NX', 'PX', ARGV[3]) then return {'REBUILD'} end
  return {'WAIT'}
end
local version = tonumber(header[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
if #lapsed > 0 then
  local changed = false
  for _, seat in ipairs(lapsed) do
    local offset = tonumber(seat) - 1
    if redis.call('GETRANGE', KEYS[2], offset, offset) == 'H' then
      redis.call('SETRANGE', KEYS[2], offset, 'A')
      changed = true
    end
  end
  redis.call('ZREM', KEYS[3], unpack(lapsed))
  if changed then version = redis.call('HINCRBY', KEYS[1], 'version', 1) end
end
local current = header[1] .. '.' .. version
if current == ARGV[1] then return {'SAME', current} end
return {'MAP', current, redis.call('GET', KEYS[2])}
