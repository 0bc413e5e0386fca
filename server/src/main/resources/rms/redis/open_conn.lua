-- ARGV: prefix, app, peerId, max, nodeId, peakKeySuffix, ttlSeconds. Returns 1 if admitted.
local app, peer, max, node, period, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local c = tonumber(redis.call('GET', P .. app .. ':concurrent') or '0')
if c >= max then return 0 end
adjust_conn(app, peer, 1)
redis.call('HINCRBY', P .. 'node:' .. node .. ':conns', app .. '\n' .. peer, 1)
local pk = P .. app .. ':peak:' .. period
if c + 1 > tonumber(redis.call('GET', pk) or '0') then redis.call('SET', pk, c + 1, 'EX', ttl) end
return 1
