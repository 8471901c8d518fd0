-- An event's waiting room at a glance, read-only: O(log m) plus the waits histogram (a few dozen fields).
-- KEYS[1] config   waiting_room:config:{event:N}   hash: enabled, max_concurrent, session_seconds, admit_per_minute,
--                                                  pre_queue_opens_at, opens_at
-- KEYS[2] status   waiting_room:status:{event:N}   hash: issued, pre_queued, seed, called_to, rate, rate_at, claimed, lapsed,
--                                                  codes_redeemed
-- KEYS[3] called   waiting_room:called:{event:N}   zset: ticket -> claim deadline (ms)
-- KEYS[4] active   waiting_room:active:{event:N}   zset: ticket -> session end (ms)
-- KEYS[5] waits    waiting_room:waits:{event:N}    hash: b<k> and m<minute> -> admitted fans
-- Returns {enabled 0|1, max_concurrent, session_s, admit_per_minute, opens_at_ms, pre_queue_opens_at_ms, issued,
--          pre_queued (-1 before the opening), called_to, active, called, rate_micro, claimed, lapsed, now_ms,
--          seed ("" before the opening: it must stay secret while the pre-queue fills), waits (flat field/value list),
--          codes_redeemed}
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local c = redis.call('HMGET', KEYS[1], 'enabled', 'max_concurrent', 'session_seconds', 'admit_per_minute',
  'opens_at', 'pre_queue_opens_at')
local s = redis.call('HMGET', KEYS[2], 'issued', 'pre_queued', 'seed', 'called_to', 'rate', 'rate_at', 'claimed', 'lapsed',
  'codes_redeemed')
local session_s = tonumber(c[3] or '0')
local rate, rate_at = tonumber(s[5] or '0'), tonumber(s[6] or now_ms)
local current_rate = rate * math.exp(-(now_ms - rate_at) / (math.max(30, session_s) * 1000))
local pre_queued = tonumber(s[2] or '-1')
return {c[1] == '1' and 1 or 0, tonumber(c[2] or '0'), session_s, tonumber(c[4] or '0'), tonumber(c[5] or '0'),
        tonumber(c[6] or '0'), tonumber(s[1] or '0'), pre_queued, tonumber(s[4] or '0'),
        redis.call('ZCOUNT', KEYS[4], '(' .. now_ms, '+inf'), redis.call('ZCOUNT', KEYS[3], '(' .. now_ms, '+inf'),
        math.floor(current_rate * 1000000), tonumber(s[7] or '0'), tonumber(s[8] or '0'), now_ms,
        pre_queued >= 0 and (s[3] or '') or '', redis.call('HGETALL', KEYS[5]), tonumber(s[9] or '0')}
