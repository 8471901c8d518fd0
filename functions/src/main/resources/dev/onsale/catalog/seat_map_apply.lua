-- Applies seat changes from the seats table's stream to an event's live seat map, in the order given.
-- Each seat item carries its own version (every writer adds one): a change older than the map's for that
-- seat is skipped, so duplicate, retried and out-of-order records leave the newest state. A change of the
-- same version that differs (a writer that did not count) is applied: the stream delivers one item's
-- changes in order. Applies to a map that is not complete yet too: the rebuild merges by version.
-- KEYS[1] map header       cache:seats:{event:N}           version is counted up on any change
-- KEYS[2] seat states      cache:seats:{event:N}:states    one byte per seat (offset seat_id - 1)
-- KEYS[3] seat versions    cache:seats:{event:N}:versions  4 bytes per seat, 7 bits each, big-endian
-- KEYS[4] live holds       cache:seats:{event:N}:holds     sorted set: seat_id scored by hold expiry (epoch ms)
-- ARGV    repeated (seat_id, version, state A | H | S, hold expiry in epoch ms or 0)
-- Returns the number of seats changed.
local function decode(bytes)
  if #bytes < 4 then return -1 end
  local a, b, c, d = string.byte(bytes, 1, 4)
  return ((a * 128 + b) * 128 + c) * 128 + d
end
local function encode(v)
  return string.char(math.floor(v / 2097152) % 128, math.floor(v / 16384) % 128, math.floor(v / 128) % 128, v % 128)
end
local changed = 0
for i = 1, #ARGV, 4 do
  local seat, version, state, expires = tonumber(ARGV[i]), tonumber(ARGV[i + 1]), ARGV[i + 2], ARGV[i + 3]
  local offset = seat - 1
  local stored = decode(redis.call('GETRANGE', KEYS[3], offset * 4, offset * 4 + 3))
  local current = redis.call('GETRANGE', KEYS[2], offset, offset)
  if version > stored or (version == stored and current ~= state) then
    redis.call('SETRANGE', KEYS[3], offset * 4, encode(version))
    redis.call('SETRANGE', KEYS[2], offset, state)
    if state == 'H' then
      redis.call('ZADD', KEYS[4], expires, seat)
    else
      redis.call('ZREM', KEYS[4], seat)
    end
    changed = changed + 1
  end
end
if changed > 0 then redis.call('HINCRBY', KEYS[1], 'version', 1) end
return changed
