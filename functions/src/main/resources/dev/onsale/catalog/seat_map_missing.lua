-- Remembers for a while that an event does not exist, so a flood of reads of a bad id costs no table
-- reads, and releases the rebuild lock if this caller still holds it.
-- KEYS[1] map header       cache:seats:{event:N}
-- KEYS[2] rebuild lock     cache:seats:{event:N}:rebuild
-- ARGV[1] lock token
-- ARGV[2] remembered for, ms
redis.call('HSET', KEYS[1], 'missing', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
