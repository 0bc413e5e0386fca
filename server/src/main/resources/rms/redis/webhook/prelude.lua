-- The webhook scripts' helpers, after the backplane's prelude (../prelude.lua: P, wh_append,
-- now_ms, split2). Keys (docs/webhooks.md "Clusters"):
--   {P}{app}:wh:log       the app's event log, a stream of entries not yet done with
--   {P}{app}:wh:cap       how many entries the log may hold; absent: the app has no webhooks
--   {P}{app}:wh:presence  present when an endpoint of the app wants presence events
--   {P}{app}:wh:dropped   entries the scripts could not append (log full), taken by the reader
--   {P}{app}:wh:lease     the node that reads the app's log, with a TTL
--   {P}{app}:wh:occ:{ch}  the nodes with a subscriber on the channel
--   {P}wh:node:{id}:occ   "app\nchannel" of every channel a node has a subscriber on
--   {P}wh:node:{id}:conns connection id -> "app\npeer" of a node's connections whose end is told
--   {P}wh:nodes           node id -> last beat (ms), for reaping what dead nodes held

-- The channel lost a node's subscribers; vacated when it was the last node.
local function wh_occ_remove(node, app, ch)
  local set = P .. app .. ':wh:occ:' .. ch
  if redis.call('SREM', set, node) == 0 then return 0 end
  redis.call('SREM', P .. 'wh:node:' .. node .. ':occ', app .. '\n' .. ch)
  if redis.call('SCARD', set) == 0 then
    wh_append(app, {'t', 'channel.vacated', 'ch', ch}, true)
  end
  return 1
end

-- The channel got a node's first subscriber; occupied when it was the first node.
local function wh_occ_add(node, app, ch)
  local set = P .. app .. ':wh:occ:' .. ch
  if redis.call('SADD', set, node) == 0 then return 0 end
  redis.call('SADD', P .. 'wh:node:' .. node .. ':occ', app .. '\n' .. ch)
  if redis.call('SCARD', set) == 1 then
    wh_append(app, {'t', 'channel.occupied', 'ch', ch}, true)
  end
  return 1
end

-- A node's connection whose end must be told (peer.disconnected) even if the node dies; its
-- record is {P}wh:node:{id}:conns: connection id -> "app\npeer".
local function wh_conn_close(node, conn, code, reason)
  local k = P .. 'wh:node:' .. node .. ':conns'
  local v = redis.call('HGET', k, conn)
  if not v then return 0 end
  redis.call('HDEL', k, conn)
  local app, peer = split2(v)
  wh_append(app, {'t', 'peer.disconnected', 'peer', peer, 'conn', conn, 'code', code, 'reason', reason}, true)
  return 1
end
