-- An event's waiting room: joining, the door (who is called in next) and claiming a turn, in one script with three
-- modes so that the rules live once.
--
-- The line is counted in line numbers. With a pre-queue, the fans who joined before the opening (tickets 1..P) hold
-- line numbers 1..P in the order of their lottery keys, drawn at their join from the room's secret seed (a keyed hash:
-- uniform, and reproducible by whoever has the seed); everyone who arrives later follows in arrival order (ticket =
-- line number). The seed is written by the enable route and shown only after the opening. The door calls line
-- numbers in order while sessions are free and the admission rate allows; a called fan has the claim window to check
-- in and take the session, or the place lapses. Abandonment is found there, at the fan's turn, and not by check-ins
-- while waiting: a fan far back in the line costs Redis nothing.
--
-- KEYS[1] config   waiting_room:config:{event:N}   hash: enabled (1), max_concurrent, session_seconds, admit_per_minute
--                                                  (0: no rate cap), pre_queue_opens_at, opens_at (ms; 0: no pre-queue)
-- KEYS[2] status   waiting_room:status:{event:N}   hash: issued (last ticket), pre_queued (P, set at the opening), seed,
--                                                  called_to (line number), tat (ms: when the rate next lets one in),
--                                                  rate, rate_at (calls/s, decaying), calls, claimed, lapsed
-- KEYS[3] queue    waiting_room:queue:{event:N}    hash: user id -> ticket (negative: a presale code's session, see bypass.lua)
-- KEYS[4] places   waiting_room:places:{event:N}   string: 8 bytes per ticket, two big-endian u32: joined at (s),
--                                                  admitted at (s; 0 until the fan claims its turn)
-- KEYS[5] called   waiting_room:called:{event:N}   zset: ticket -> claim deadline (ms)
-- KEYS[6] active   waiting_room:active:{event:N}   zset: ticket -> session end (ms)
-- KEYS[7] lottery  waiting_room:lottery:{event:N}  zset: pre-queued ticket -> lottery key
-- KEYS[8] waits    waiting_room:waits:{event:N}    hash: b<k> -> admitted fans who waited 2^(k-1)..2^k s; m<minute> -> admitted
-- ARGV[1] join | tick | claim
-- ARGV[2] user id (tick: ignored)
-- ARGV[3] claim: the ticket of the caller's queue token
-- ARGV[4] claim window (ms)
-- ARGV[5] most places one call may call (bounds a call's work)
-- Returns {room, called_to, pre_queued, issued, free, active, rate_micro, claimed, lapsed, max, session_s,
--          admit_per_minute, opens_at_ms, pre_queue_opens_at_ms, now_ms,
--          place, ticket, line, joined_s, session_end_ms, called_now, claimed_now}
--   room:  off | not_open (before the pre-queue opens) | pre_queue (before the opening) | on
--   place: none | pre_queue | queued | called | admitted | ended | lapsed | not_in_queue
local t = redis.call('TIME')
local now_s = tonumber(t[1])
local now_ms = now_s * 1000 + math.floor(tonumber(t[2]) / 1000)
local mode, user = ARGV[1], ARGV[2]
local claim_ms, budget = tonumber(ARGV[4]), tonumber(ARGV[5])

local config = redis.call('HMGET', KEYS[1], 'enabled', 'max_concurrent', 'session_seconds', 'admit_per_minute',
  'pre_queue_opens_at', 'opens_at')
if config[1] ~= '1' then
  return {'off', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, now_ms, 'none', 0, 0, 0, 0, 0, 0}
end
local max, session_s, apm = tonumber(config[2]), tonumber(config[3]), tonumber(config[4] or '0')
local pre_opens, opens = tonumber(config[5] or '0'), tonumber(config[6] or '0')
local s = redis.call('HMGET', KEYS[2], 'issued', 'pre_queued', 'seed', 'called_to', 'tat', 'rate', 'rate_at', 'claimed', 'lapsed')
local issued, pre_queued, seed = tonumber(s[1] or '0'), tonumber(s[2] or '-1'), s[3] or ''
local called_to, tat = tonumber(s[4] or '0'), tonumber(s[5] or now_ms)
local rate, rate_at = tonumber(s[6] or '0'), tonumber(s[7] or now_ms)
local claimed, lapsed = tonumber(s[8] or '0'), tonumber(s[9] or '0')
-- rate: a decaying average of calls per second while fans wait; its time constant is a session's length, since
-- sessions ending is what frees the slots
local tau_ms = math.max(30, session_s) * 1000

local room = 'on'
if opens > 0 and now_ms < opens then
  room = now_ms < pre_opens and 'not_open' or 'pre_queue'
elseif pre_queued < 0 then
  -- the opening (or a room without a pre-queue): everyone who joined before it is the pre-queue, drawn by lottery
  pre_queued = opens > 0 and issued or 0
  redis.call('HSET', KEYS[2], 'pre_queued', pre_queued)
end
if pre_queued < 0 then pre_queued = 0 end

-- tickets <= 0 are presale-code sessions (bypass.lua): outside the line, with no place and no line number
local function place(ticket)
  if ticket <= 0 then return 0, 0 end
  local raw = redis.call('GETRANGE', KEYS[4], (ticket - 1) * 8, (ticket - 1) * 8 + 7)
  if #raw < 8 then return 0, 0 end
  return struct.unpack('>I4I4', raw)
end

local function line_of(ticket)
  if room ~= 'on' or ticket <= 0 then return 0 end
  if ticket <= pre_queued then return redis.call('ZRANK', KEYS[7], ticket) + 1 end
  return ticket
end

-- the door: frees the sessions and turns that ran out, then calls the next line numbers while slots are free and
-- the rate allows; a call reserves a slot for the claim window
local called_now = 0
local function door()
  lapsed = lapsed + redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now_ms)
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now_ms)
  if room ~= 'on' then return end
  local waiting = issued - called_to
  local free = max - redis.call('ZCARD', KEYS[6]) - redis.call('ZCARD', KEYS[5])
  local k = math.min(waiting, free, budget)
  local by_rate = k
  local interval = 0
  if apm > 0 then
    -- GCRA without a burst: one call per interval, so a minute never lets in more than admit_per_minute
    interval = 60000 / apm
    by_rate = tat <= now_ms and math.floor((now_ms - tat) / interval) + 1 or 0
    k = math.min(k, by_rate)
  end
  if k > 0 then
    local first = called_to + 1
    local last = called_to + k
    local deadline = now_ms + claim_ms
    if first <= pre_queued then
      local drawn = redis.call('ZRANGE', KEYS[7], first - 1, math.min(last, pre_queued) - 1)
      for _, ticket in ipairs(drawn) do redis.call('ZADD', KEYS[5], deadline, ticket) end
    end
    for ticket = math.max(first, pre_queued + 1), last do redis.call('ZADD', KEYS[5], deadline, ticket) end
    called_to = last
    called_now = k
    rate = rate * math.exp(-(now_ms - rate_at) / tau_ms) + k * 1000 / tau_ms
    rate_at = now_ms
  end
  if apm > 0 then
    tat = tat + k * interval
    -- held back by slots or an empty line, not by the rate: no credit is saved up for a burst later
    if k < by_rate and tat < now_ms then tat = now_ms end
  end
  redis.call('HSET', KEYS[2], 'called_to', called_to, 'tat', tat, 'rate', tostring(rate), 'rate_at', rate_at,
    'lapsed', lapsed, 'calls', called_to)
end

local ticket = tonumber(redis.call('HGET', KEYS[3], user) or '0')
local new_place = false
local claimed_now = 0
local place_state = 'none'

local function standing(ticket)
  if ticket == 0 then return 'none' end
  if room ~= 'on' then return 'pre_queue' end
  local ends = redis.call('ZSCORE', KEYS[6], ticket)
  if ends and tonumber(ends) > now_ms then return 'admitted', tonumber(ends) end
  local deadline = redis.call('ZSCORE', KEYS[5], ticket)
  if deadline and tonumber(deadline) > now_ms then return 'called' end
  if line_of(ticket) > called_to then return 'queued' end
  local _, admitted_at = place(ticket)
  if admitted_at ~= 0 then return 'ended' end
  return 'lapsed'
end

-- the fan's turn, claimed in time: the slot kept for it becomes the session
local function claim_turn(ticket)
  redis.call('ZREM', KEYS[5], ticket)
  redis.call('ZADD', KEYS[6], now_ms + session_s * 1000, ticket)
  local joined = place(ticket)
  redis.call('SETRANGE', KEYS[4], (ticket - 1) * 8 + 4, struct.pack('>I4', now_s))
  claimed = redis.call('HINCRBY', KEYS[2], 'claimed', 1)
  local waited = math.max(0, now_s - joined)
  local bucket = 0
  while 2 ^ bucket <= waited do bucket = bucket + 1 end
  redis.call('HINCRBY', KEYS[8], 'b' .. bucket, 1)
  redis.call('HINCRBY', KEYS[8], 'm' .. math.floor(now_s / 60), 1)
  claimed_now = 1
  return 'admitted'
end

if mode == 'join' then
  if room == 'not_open' then
    place_state = 'none'
    ticket = 0
  else
    local state = standing(ticket)
    if state == 'none' or state == 'ended' or state == 'lapsed' then
      -- a new place at the back (or in the pre-queue): the door has not reached it
      ticket = redis.call('HINCRBY', KEYS[2], 'issued', 1)
      issued = ticket
      redis.call('HSET', KEYS[3], user, ticket)
      redis.call('SETRANGE', KEYS[4], (ticket - 1) * 8, struct.pack('>I4I4', now_s, 0))
      if room == 'pre_queue' then
        -- the seed was drawn when the pre-queue was set up (enable); 52 bits of a keyed hash: an exact double,
        -- and as unpredictable as the seed is secret
        redis.call('ZADD', KEYS[7], tonumber(string.sub(redis.sha1hex(seed .. ':' .. ticket), 1, 13), 16), ticket)
      end
      state = room == 'on' and 'queued' or 'pre_queue'
      new_place = true
    end
    -- joining never moves the door: a fan is admitted at a check-in (the first comes at once), as the API always did
    place_state = state
  end
elseif mode == 'tick' then
  door()
else
  if ticket == 0 or ticket ~= tonumber(ARGV[3]) then
    place_state = 'not_in_queue'
    ticket = tonumber(ARGV[3])
  else
    door()
    place_state = standing(ticket)
    if place_state == 'called' then place_state = claim_turn(ticket) end
  end
end

local session_end = 0
local joined, line = 0, 0
if new_place then
  -- known without a lookup: a join is the hot path of a crowd arriving
  joined, line = now_s, room == 'on' and ticket or 0
elseif ticket > 0 and place_state ~= 'not_in_queue' then
  joined = place(ticket)
  line = line_of(ticket)
  if place_state == 'admitted' then session_end = tonumber(redis.call('ZSCORE', KEYS[6], ticket)) end
end
-- ZCARD: the door (tick, claim) has just dropped what ran out; a join's count may still hold a few ended
-- sessions or turns, which only makes its estimate err long, never short
local active = redis.call('ZCARD', KEYS[6])
local free = math.max(0, max - active - redis.call('ZCARD', KEYS[5]))
local current_rate = rate * math.exp(-(now_ms - rate_at) / tau_ms)
return {room, called_to, pre_queued, issued, free, active,
        math.floor(current_rate * 1000000), claimed, lapsed, max, session_s, apm, opens, pre_opens, now_ms,
        place_state, ticket, line, joined, session_end, called_now, claimed_now}
