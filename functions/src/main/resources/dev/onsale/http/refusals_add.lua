-- Adds one function instance's 429s of one minute to the fleet's tally, which the operator's console reads
-- (RefusalTally). One key per minute, so the tally never needs trimming: each expires on its own.
--
-- KEYS[1] refusals:{ops}:<epoch minute>   hash: rule -> 429s answered in that minute by every instance
-- ARGV[1] seconds the minute is kept after its last addition
-- ARGV[2..] rule, count, rule, count, ...
-- Returns the number of rules added to.
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return (#ARGV - 1) / 2
