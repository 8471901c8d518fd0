-- Whether a fan may use a guarded route of an event now: the one Redis call of waiting-room admission.
-- KEYS[1] config   waiting_room:config:{event:N}  hash: enabled
-- KEYS[2] queue    waiting_room:queue:{event:N}   hash: user id -> ticket
-- KEYS[3] active   waiting_room:active:{event:N}  zset: ticket -> session end (ms)
-- ARGV[1] user id of a verified access token, or "" when the request carries none
-- ARGV[2] that token's ticket
-- Returns off (room off: everyone passes) | admitted | ended (the session is over) | required
if redis.call('HGET', KEYS[1], 'enabled') ~= '1' then return 'off' end
if ARGV[1] == '' then return 'required' end
-- the ticket must still be the user's place: a token from a queue that was reset names someone else's
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 'required' end
local score = redis.call('ZSCORE', KEYS[3], ARGV[2])
if not score then return 'ended' end
local t = redis.call('TIME')
if tonumber(score) <= tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) then return 'ended' end
return 'admitted'
