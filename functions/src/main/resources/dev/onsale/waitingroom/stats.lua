-- An event's waiting room at a glance, read-only and O(log m).
-- KEYS[1] config   waiting_room:config:{event:N}  hash: enabled, max_concurrent, session_seconds
-- KEYS[2] status   waiting_room:status:{event:N}  hash: issued, admitted_to, rate, rate_at
-- KEYS[3] active   waiting_room:active:{event:N}  zset: ticket -> session end (ms)
-- Returns {enabled 0|1, max_concurrent, session_s, issued, admitted_to, active_sessions, rate_micro}
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local config = redis.call('HMGET', KEYS[1], 'enabled', 'max_concurrent', 'session_seconds')
local status = redis.call('HMGET', KEYS[2], 'issued', 'admitted_to', 'rate', 'rate_at')
local session_s = tonumber(config[3] or '0')
local rate, rate_at = tonumber(status[3] or '0'), tonumber(status[4] or now_ms)
local current_rate = rate * math.exp(-(now_ms - rate_at) / (math.max(30, session_s) * 1000))
return {config[1] == '1' and 1 or 0, tonumber(config[2] or '0'), session_s,
        tonumber(status[1] or '0'), tonumber(status[2] or '0'),
        redis.call('ZCOUNT', KEYS[3], '(' .. now_ms, '+inf'), math.floor(current_rate * 1000000)}
