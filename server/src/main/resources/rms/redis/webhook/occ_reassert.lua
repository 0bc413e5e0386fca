-- ARGV: prefix, nodeId, then app, channel pairs: every channel this node has subscribers on.
-- Makes Redis reflect exactly that (after Redis lost it, or reaped this node while it lived).
local node = ARGV[2]
redis.call('ZADD', P .. 'wh:nodes', now_ms(), node)
local want = {}
for i = 3, #ARGV, 2 do
  want[ARGV[i] .. '\n' .. ARGV[i + 1]] = true
end
for _, k in ipairs(redis.call('SMEMBERS', P .. 'wh:node:' .. node .. ':occ')) do
  if not want[k] then
    local app, ch = split2(k)
    wh_occ_remove(node, app, ch)
  end
end
for k, _ in pairs(want) do
  local app, ch = split2(k)
  wh_occ_add(node, app, ch)
end
return 1
