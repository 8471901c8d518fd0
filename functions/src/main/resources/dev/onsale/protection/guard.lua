-- guard.lua: every check of one subject (a user or an IP address) for one request, in one call.
-- All KEYS carry the subject's hash tag, so they share a slot and the script runs unchanged on Redis Cluster.
-- Time is the server's (TIME, in microseconds): the callers' clocks never matter.
--
-- KEYS
--   when ARGV[1] = 1 (the subject can be blocked):
--     KEYS[1]  antibot:block:user:{id}    exists while the user cools off; holds the id of the rule that tripped
--     KEYS[2]  antibot:strikes:user:{id}  how often a rule tripped; forgotten ARGV[6] ms after the last trip
--   then L keys, one per rate limit   LIMITER:<subject>:{id}:<policy>  GCRA theoretical arrival time (µs)
--   then R keys, one per tripwire     antibot:<counter>:user:{id}      a counter, or a pace's arrival time (µs)
--
-- ARGV
--   [1] 1 when KEYS start with the block and strikes keys, else 0
--   [2] L   [3] R
--   [4] first cooling-off (ms)   [5] longest cooling-off (ms)   [6] how long strikes are remembered (ms)
--   then per limit (2 each):     emission interval (µs), burst (µs: interval x quota)
--   then per tripwire (4 each):  rule id, kind (count | peek | pace), threshold, span (count/peek: window ms; pace: interval µs)
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
local blockable = ARGV[1] == '1'
local nlimits = tonumber(ARGV[2])
local nrules = tonumber(ARGV[3])
local first_key = blockable and 2 or 0

if blockable then
  local left = redis.call('PTTL', KEYS[1])
  if left > 0 then
    return {2, redis.call('GET', KEYS[1]), left * 1000}
  end
end

-- Tripwires count every attempt, including those the limits are about to refuse: a client that
-- ignores 429s is exactly what they look for.
local rule_args = 6 + 2 * nlimits
for i = 1, nrules do
  local key = KEYS[first_key + nlimits + i]
  local a = rule_args + (i - 1) * 4
  local rule, kind, threshold, span = ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
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
    redis.call('PEXPIRE', KEYS[2], ARGV[6])
    local cooling = math.min(tonumber(ARGV[4]) * 2 ^ (strikes - 1), tonumber(ARGV[5]))
    redis.call('SET', KEYS[1], rule, 'PX', int(cooling))
    return {3, rule, cooling * 1000, strikes}
  end
end

-- GCRA: a request fits when its arrival time, pushed one interval on, stays within the burst of now.
-- All or nothing: when one limit refuses, none is spent.
local checks = {}
local limited = false
for i = 1, nlimits do
  local interval, burst = tonumber(ARGV[5 + 2 * i]), tonumber(ARGV[6 + 2 * i])
  local tat = math.max(tonumber(redis.call('GET', KEYS[first_key + i]) or '0'), now)
  local wait = tat + interval - burst - now
  if wait > 0 then
    limited = true
  end
  checks[i] = {tat, interval, burst, wait}
end

local reply = {limited and 1 or 0, '', 0}
for i = 1, nlimits do
  local tat, interval, burst, wait = checks[i][1], checks[i][2], checks[i][3], checks[i][4]
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
