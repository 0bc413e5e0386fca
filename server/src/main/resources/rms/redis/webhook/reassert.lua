-- ARGV: prefix, nodeId, nChannels, then nChannels (app, channel) pairs: every channel this node
-- has subscribers on, then (connectionId, app, peerId) triples: its connections whose end is
-- told. Makes Redis reflect exactly that (after Redis lost it, or reaped this node while it
-- lived): channels and connections no longer held end with their events; the others are added
-- back, and a channel nobody else was on is occupied again.
local node, nch = ARGV[2], tonumber(ARGV[3])
redis.call('ZADD', P .. 'wh:nodes', now_ms(), node)
local want = {}
local i = 4
for _ = 1, nch do
  want[ARGV[i] .. '\n' .. ARGV[i + 1]] = true
  i = i + 2
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
local ck = P .. 'wh:node:' .. node .. ':conns'
local conns = {}
while i <= #ARGV do
  conns[ARGV[i]] = ARGV[i + 1] .. '\n' .. ARGV[i + 2]
  i = i + 3
end
for _, conn in ipairs(redis.call('HKEYS', ck)) do
  if not conns[conn] then wh_conn_close(node, conn, '1006', 'node lost') end
end
for conn, v in pairs(conns) do
  redis.call('HSET', ck, conn, v)
end
return 1
