-- ARGV: prefix, nodeId. Returns 1 when the node was not known (first beat, or reaped as dead
-- meanwhile): the caller then re-asserts its channels.
return redis.call('ZADD', P .. 'wh:nodes', now_ms(), ARGV[2])
