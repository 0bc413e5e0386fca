-- ARGV: prefix, nodeId. Returns 1 when the node was not registered (first beat, or it had been
-- reaped as dead): the caller then re-asserts its state.
return redis.call('ZADD', P .. 'nodes', now_ms(), ARGV[2])
