-- Admits a fan at once, past the line (a presale code was redeemed), or reports the fan's live session.
-- A bypass takes a NEGATIVE ticket from a counter of its own: the line's admission pointer walks the positive
-- tickets 1..issued only, so a bypass never moves, skips or fills a place in line. Its session is in the same
-- active set as the line's, so the admission guard treats both alike; it may take the room past max_concurrent
-- (a code admits whatever the line's pace: the line's next admissions wait until sessions fall below it again).
-- KEYS[1] config   waiting_room:config:{event:N}  hash: enabled, session_seconds
-- KEYS[2] status   waiting_room:status:{event:N}  hash: bypass_issued (last bypass ticket, as a positive count),
--                                                 codes_redeemed (bypasses made)
-- KEYS[3] queue    waiting_room:queue:{event:N}   hash: user id -> ticket
-- KEYS[4] active   waiting_room:active:{event:N}  zset: ticket -> session end (ms)
-- ARGV[1] peek (report only) | admit (a live session again, else a new bypass session)
-- ARGV[2] user id
-- Returns {state, ticket, session_end_ms, now_ms}
--   state: off (room off) | live (the fan's session, from the line or an earlier bypass) | admitted (a new bypass)
--          | none (peek: no live session)
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local config = redis.call('HMGET', KEYS[1], 'enabled', 'session_seconds')
if config[1] ~= '1' then return {'off', 0, 0, now_ms} end

local ticket = redis.call('HGET', KEYS[3], ARGV[2])
if ticket then
  local score = redis.call('ZSCORE', KEYS[4], ticket)
  if score and tonumber(score) > now_ms then return {'live', tonumber(ticket), tonumber(score), now_ms} end
end
if ARGV[1] ~= 'admit' then return {'none', 0, 0, now_ms} end

-- a place the fan still had in line is left to lapse: its holder stops checking in with its token
local bypass = -redis.call('HINCRBY', KEYS[2], 'bypass_issued', 1)
local ends = now_ms + tonumber(config[2]) * 1000
redis.call('HSET', KEYS[3], ARGV[2], bypass)
redis.call('ZADD', KEYS[4], ends, bypass)
redis.call('HINCRBY', KEYS[2], 'codes_redeemed', 1)
return {'admitted', bypass, ends, now_ms}
