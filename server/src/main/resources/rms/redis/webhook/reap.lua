-- ARGV: prefix, timeoutMs, [nodeId]. Releases what the given node (graceful stop), or every node
-- silent for longer than timeoutMs, held: it leaves every channel it occupied (the channels it
-- was the last node on are vacated) and its recorded connections end (peer.disconnected, code
-- 1006). Idempotent; returns the reaped node ids.
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
  for _, conn in ipairs(redis.call('HKEYS', P .. 'wh:node:' .. node .. ':conns')) do
    wh_conn_close(node, conn, '1006', 'node lost')
  end
  redis.call('ZREM', P .. 'wh:nodes', node)
end
return dead
