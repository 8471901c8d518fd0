-- Joins an event's waiting room, or checks in on a place in it. A check-in also admits the fans at
-- the front while sessions are free, passing over places whose holder stopped checking in, so the
-- line moves without a scheduler. Every step is O(1) or O(log m), m = active sessions (<= max).
--
-- KEYS[1] config   waiting_room:config:{event:N}  hash: enabled (1), max_concurrent, session_seconds
-- KEYS[2] status   waiting_room:status:{event:N}  hash: issued (last ticket given), admitted_to (every
--                                                 ticket up to it has been admitted or passed over),
--                                                 rate (admissions/s, decaying average), rate_at (ms)
-- KEYS[3] queue    waiting_room:queue:{event:N}   hash: user id -> ticket
-- KEYS[4] places   waiting_room:places:{event:N}  string: 8 bytes per ticket from offset (ticket-1)*8,
--                                                 two big-endian u32: joined at (s), last check-in (s);
--                                                 a last check-in of 0 marks a place passed over
-- KEYS[5] active   waiting_room:active:{event:N}  zset: ticket -> session end (ms)
-- ARGV[1] join | poll
-- ARGV[2] user id
-- ARGV[3] poll: the ticket of the caller's queue token (join: ignored)
-- ARGV[4] stall window (s): a place not checked in on for longer is passed over when reached
-- ARGV[5] most places one call may pass over (bounds a call's work when many fans left)
-- Returns {state, ticket, joined_s, position, free_slots, rate_micro, session_end_ms, max, session_s, now_ms,
--          queue_size, admitted_now}   (the last two, for metrics, only when the room is on and the ticket known)
--   state: open (room off) | queued | admitted | ended (session over) | lapsed (passed over)
--          | not_in_queue (the ticket is not the user's place: rejoined elsewhere, or a reset queue)
local t = redis.call('TIME')
local now_s = tonumber(t[1])
local now_ms = now_s * 1000 + math.floor(tonumber(t[2]) / 1000)
local mode, user = ARGV[1], ARGV[2]

local config = redis.call('HMGET', KEYS[1], 'enabled', 'max_concurrent', 'session_seconds')
if config[1] ~= '1' then
  return {'open', 0, 0, 0, 0, 0, 0, 0, 0, now_ms}
end
local max, session_s = tonumber(config[2]), tonumber(config[3])
local status = redis.call('HMGET', KEYS[2], 'issued', 'admitted_to', 'rate', 'rate_at')
local issued, admitted_to = tonumber(status[1] or '0'), tonumber(status[2] or '0')
local rate, rate_at = tonumber(status[3] or '0'), tonumber(status[4] or now_ms)
-- rate is a decaying average of admissions per second; its time constant is a session's length,
-- since sessions ending is what frees the slots
local tau_ms = math.max(30, session_s) * 1000

local function place(ticket)
  local raw = redis.call('GETRANGE', KEYS[4], (ticket - 1) * 8, (ticket - 1) * 8 + 7)
  if #raw < 8 then return 0, 0 end
  local joined, seen = struct.unpack('>I4I4', raw)
  return joined, seen
end

local function session_end(ticket)
  local score = redis.call('ZSCORE', KEYS[5], ticket)
  if score and tonumber(score) > now_ms then return tonumber(score) end
  return nil
end

local function standing(ticket)
  if ticket == 0 then return 'none' end
  if ticket > admitted_to then return 'queued' end
  local ends = session_end(ticket)
  if ends then return 'admitted', ends end
  local _, seen = place(ticket)
  if seen == 0 then return 'lapsed' end
  return 'ended'
end

local ticket = tonumber(redis.call('HGET', KEYS[3], user) or '0')
local admitted = 0

if mode == 'join' then
  local state = standing(ticket)
  if state ~= 'queued' and state ~= 'admitted' then
    -- a new place at the back: first join, or the last place ended or lapsed
    ticket = redis.call('HINCRBY', KEYS[2], 'issued', 1)
    issued = ticket
    redis.call('HSET', KEYS[3], user, ticket)
    redis.call('SETRANGE', KEYS[4], (ticket - 1) * 8, struct.pack('>I4I4', now_s, now_s))
  elseif state == 'queued' then
    redis.call('SETRANGE', KEYS[4], (ticket - 1) * 8 + 4, struct.pack('>I4', now_s))
  end
else
  if ticket == 0 or ticket ~= tonumber(ARGV[3]) then
    return {'not_in_queue', tonumber(ARGV[3]), 0, 0, 0, 0, 0, max, session_s, now_ms}
  end
  if ticket > admitted_to then
    redis.call('SETRANGE', KEYS[4], (ticket - 1) * 8 + 4, struct.pack('>I4', now_s))
  end

  -- admission: move the pointer over the front of the line while sessions are free
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now_ms)
  local free = max - redis.call('ZCARD', KEYS[5])
  local stall = tonumber(ARGV[4])
  local budget = tonumber(ARGV[5])
  local start = admitted_to
  while free > 0 and admitted_to < issued and budget > 0 do
    admitted_to = admitted_to + 1
    budget = budget - 1
    local _, seen = place(admitted_to)
    if seen ~= 0 and now_s - seen <= stall then
      redis.call('ZADD', KEYS[5], now_ms + session_s * 1000, admitted_to)
      free = free - 1
      admitted = admitted + 1
    elseif seen ~= 0 then
      redis.call('SETRANGE', KEYS[4], (admitted_to - 1) * 8 + 4, struct.pack('>I4', 0))
    end
  end
  if admitted_to ~= start then
    if admitted > 0 then
      rate = rate * math.exp(-(now_ms - rate_at) / tau_ms) + admitted * 1000 / tau_ms
      rate_at = now_ms
      redis.call('HSET', KEYS[2], 'admitted_to', admitted_to, 'rate', tostring(rate), 'rate_at', now_ms)
    else
      redis.call('HSET', KEYS[2], 'admitted_to', admitted_to)
    end
  end
end

local state, ends = standing(ticket)
local joined = place(ticket)
local position = 0
if state == 'queued' then position = ticket - admitted_to end
local free = max - redis.call('ZCOUNT', KEYS[5], '(' .. now_ms, '+inf')
if free < 0 then free = 0 end
local current_rate = rate * math.exp(-(now_ms - rate_at) / tau_ms)
return {state, ticket, joined, position, free, math.floor(current_rate * 1000000), ends or 0, max, session_s, now_ms,
        issued - admitted_to, admitted}
