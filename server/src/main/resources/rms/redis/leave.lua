-- ARGV: prefix, app, channel, peerId, nodeId. A no-op unless this node had counted the connection
-- (after the node was reaped, or twice), so leaves can never drive counts below the truth.
local app, ch, peer, node = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local nk = P .. 'node:' .. node .. ':pres'
local f = app .. '\n' .. ch .. '\n' .. peer
local mine = tonumber(redis.call('HGET', nk, f) or '0')
if mine <= 0 then return 0 end
if mine == 1 then redis.call('HDEL', nk, f) else redis.call('HINCRBY', nk, f, -1) end
adjust_presence(app, ch, peer, -1, '')
return 1
