-- Ends a fan's session (a purchase confirmed or cancelled), so the next check-in admits the next fan.
-- KEYS[1] queue    waiting_room:queue:{event:N}   hash: user id -> ticket
-- KEYS[2] active   waiting_room:active:{event:N}  zset: ticket -> session end (ms)
-- ARGV[1] user id
-- Returns 1 when a session ended, 0 when the user had none
local ticket = redis.call('HGET', KEYS[1], ARGV[1])
if not ticket then return 0 end
return redis.call('ZREM', KEYS[2], ticket)
