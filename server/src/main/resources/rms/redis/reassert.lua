-- ARGV: prefix, nodeId, nPresence, then nPresence x (app, channel, peerId, count, metadata),
-- then (app, peerId, count) triples. Makes Redis reflect exactly this node's live state.
local node, np = ARGV[2], tonumber(ARGV[3])
local pres, conns = {}, {}
local i = 4
for _ = 1, np do
  pres[ARGV[i] .. '\n' .. ARGV[i + 1] .. '\n' .. ARGV[i + 2]] = {tonumber(ARGV[i + 3]), ARGV[i + 4]}
  i = i + 5
end
while i <= #ARGV do
  conns[ARGV[i] .. '\n' .. ARGV[i + 1]] = tonumber(ARGV[i + 2])
  i = i + 3
end
redis.call('ZADD', P .. 'nodes', now_ms(), node)
reconcile_presence(node, pres)
reconcile_conns(node, conns)
return 1
