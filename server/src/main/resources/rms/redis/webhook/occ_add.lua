-- ARGV: prefix, nodeId, app, channel. This node has a subscriber on the channel now.
redis.call('ZADD', P .. 'wh:nodes', now_ms(), ARGV[2])
return wh_occ_add(ARGV[2], ARGV[3], ARGV[4])
