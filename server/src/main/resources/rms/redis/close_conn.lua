-- ARGV: prefix, app, peerId, nodeId. A no-op unless this node had counted the connection.
local app, peer, node = ARGV[2], ARGV[3], ARGV[4]
local nk = P .. 'node:' .. node .. ':conns'
local f = app .. '\n' .. peer
local mine = tonumber(redis.call('HGET', nk, f) or '0')
if mine <= 0 then return 0 end
if mine == 1 then redis.call('HDEL', nk, f) else redis.call('HINCRBY', nk, f, -1) end
adjust_conn(app, peer, -1)
return 1
