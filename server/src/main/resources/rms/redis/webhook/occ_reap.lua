-- ARGV: prefix, timeoutMs, [nodeId]. Takes the given node (graceful stop), or every node silent
-- for longer than timeoutMs, off every channel it occupied: the channels it was the last node
-- on are vacated. Idempotent; returns the reaped node ids.
local dead
if ARGV[3] then
  dead = {ARGV[3]}
else
  dead = redis.call('ZRANGEBYSCORE', P .. 'wh:nodes', '-inf', now_ms() - tonumber(ARGV[2]))
end
for _, node in ipairs(dead) do
  local idx = P .. 'wh:node:' .. node .. ':occ'
  for _, k in ipairs(redis.call('SMEMBERS', idx)) do
    local app, ch = split2(k)
    wh_occ_remove(node, app, ch)
  end
  redis.call('DEL', idx)
  redis.call('ZREM', P .. 'wh:nodes', node)
end
return dead
