-- guard.lua: every check of one subject (a user or an IP address) for one request, in one call.
-- All KEYS carry the subject's hash tag, so they share a slot and the script runs unchanged on Redis Cluster.
-- Time is the server's (TIME, in microseconds): the callers' clocks never matter.
--
-- S, the guard's settings, is not passed per call: SubjectGuard prepends it to this file as a Lua table
-- (`local S = {...}`), so each guard configuration is its own script, loaded once and called by SHA,
-- and a call carries only its keys (arguments cost the server and the client on every call).
--   S.blockable  true when the subject can be blocked (a user with bot rules)
--   S.cooling    {first cooling-off ms, longest cooling-off ms, how long strikes are remembered ms}
--   S.limits     per rate limit: {emission interval µs, burst µs (interval x quota)}
--   S.rules      per tripwire: {rule id, kind (count | peek | pace), threshold,
--                               span (count/peek: window ms; pace: interval µs)}
--
-- KEYS
--   when S.blockable:
--     KEYS[1]  antibot:block:user:{id}    exists while the user cools off; holds the id of the rule that tripped
--     KEYS[2]  antibot:strikes:user:{id}  how often a rule tripped; forgotten S.cooling[3] ms after the last trip
--   then one key per rate limit   LIMITER:<subject>:{id}:<policy>  GCRA theoretical arrival time (µs)
--   then one key per tripwire     antibot:<counter>:user:{id}      a counter, or a pace's arrival time (µs)
--
-- ARGV  none
--
-- Returns {state, rule, wait_us, then per limit: remaining, reset_us, wait_us}
--   state 0 pass: every limit spent one request
--   state 1 limited: nothing was spent; wait_us = until every limit lets one through
--   state 2 cooling off: rule = the rule that tripped earlier, wait_us = until the block ends (no per-limit values)
--   state 3 tripped now: rule = the rule, wait_us = the cooling-off just imposed; the 4th value is the strike count

local function int(x)
  return string.format('%.0f', x)
end

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local nlimits = #S.limits
local first_key = S.blockable and 2 or 0

-- One read for the block and every limit's arrival time.
local reads = {}
if S.blockable then
  reads[1] = KEYS[1]
end
for i = 1, nlimits do
  reads[#reads + 1] = KEYS[first_key + i]
end
local values = redis.call('MGET', unpack(reads))
local first_tat = 1
if S.blockable then
  if values[1] then
    local left = redis.call('PTTL', KEYS[1])
    if left > 0 then
      return {2, values[1], left * 1000}
    end
  end
  first_tat = 2
end

-- Tripwires count every attempt, including those the limits are about to refuse: a client that
-- ignores 429s is exactly what they look for.
for i, rule in ipairs(S.rules) do
  local key = KEYS[first_key + nlimits + i]
  local id, kind, threshold, span = rule[1], rule[2], rule[3], rule[4]
  local tripped
  if kind == 'count' then
    local count = redis.call('INCR', key)
    if count == 1 then
      redis.call('PEXPIRE', key, span)
    end
    tripped = count > threshold
  elseif kind == 'peek' then
    tripped = tonumber(redis.call('GET', key) or '0') > threshold
  else -- pace: a GCRA at one request per span; threshold requests in a row may come faster
    local tat = math.max(tonumber(redis.call('GET', key) or '0'), now) + span
    tripped = tat - now > threshold * span
    if not tripped then
      redis.call('SET', key, int(tat), 'PX', int(math.ceil((tat - now) / 1000)))
    end
  end
  if tripped then
    -- The next trip needs fresh evidence; the strikes remember this one and double the next cooling-off.
    redis.call('DEL', key)
    local strikes = redis.call('INCR', KEYS[2])
    redis.call('PEXPIRE', KEYS[2], S.cooling[3])
    local cooling = math.min(S.cooling[1] * 2 ^ (strikes - 1), S.cooling[2])
    redis.call('SET', KEYS[1], id, 'PX', int(cooling))
    return {3, id, cooling * 1000, strikes}
  end
end

-- GCRA: a request fits when its arrival time, pushed one interval on, stays within the burst of now.
-- All or nothing: when one limit refuses, none is spent.
local tats = {}
local limited = false
for i, limit in ipairs(S.limits) do
  local tat = math.max(tonumber(values[first_tat + i - 1] or '0'), now)
  tats[i] = tat
  if tat + limit[1] - limit[2] > now then
    limited = true
  end
end

local reply = {limited and 1 or 0, '', 0}
for i, limit in ipairs(S.limits) do
  local interval, burst = limit[1], limit[2]
  local tat = tats[i]
  local wait = tat + interval - burst - now
  if not limited then
    tat = tat + interval
    redis.call('SET', KEYS[first_key + i], int(tat), 'PX', int(math.ceil((tat - now) / 1000)))
  end
  reply[#reply + 1] = math.max(0, math.floor((now + burst - tat) / interval))
  reply[#reply + 1] = tat - now
  reply[#reply + 1] = math.max(wait, 0)
  if wait > reply[3] then
    reply[3] = wait
  end
end
return reply
