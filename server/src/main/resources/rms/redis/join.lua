-- ARGV: prefix, app, channel, peerId, metadata ('' for none), nodeId
-- Counts one connection and returns {seq, peer1, meta1, ...}: the members as of delta seq.
local app, ch, peer, meta, node = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
redis.call('HINCRBY', P .. 'node:' .. node .. ':pres', app .. '\n' .. ch .. '\n' .. peer, 1)
adjust_presence(app, ch, peer, 1, meta)
local out = redis.call('HGETALL', P .. app .. ':pm:' .. ch)
table.insert(out, 1, presence_seq(app))
return out
