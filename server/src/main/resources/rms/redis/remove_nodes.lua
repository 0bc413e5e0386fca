-- ARGV: prefix, timeoutMs, [nodeId]. Removes the given node (graceful shutdown), or every node
-- silent for longer than timeoutMs: its peers leave (with `left` deltas) and its connections
-- are un-counted. Idempotent; returns the removed node ids.
local dead
if ARGV[3] then
  dead = {ARGV[3]}
else
  dead = redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', now_ms() - tonumber(ARGV[2]))
end
for _, node in ipairs(dead) do
  reconcile_presence(node, {})
  reconcile_conns(node, {})
  redis.call('ZREM', P .. 'nodes', node)
end
return dead
