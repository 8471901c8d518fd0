-- count.lua: counts one occurrence in a fixed window that starts with the first count.
-- Used after a route's work for what only its answer reveals (a failed hold); guard.lua reads the
-- counter with a "peek" tripwire on the user's next request.
--
-- KEYS[1]  the counter, e.g. antibot:failed_holds:user:{id}
-- ARGV[1]  the window (ms)
-- Returns the count so far in the window.

local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
