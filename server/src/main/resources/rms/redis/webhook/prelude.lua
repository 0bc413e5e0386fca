-- Shared by the webhook scripts, prepended to each. ARGV[1] is always the key prefix.
-- Keys (docs/webhooks.md "Clusters"):
--   {P}{app}:wh:log       the app's event log, a stream of entries not yet done with
--   {P}{app}:wh:cap       how many entries the log may hold; absent: the app has no webhooks
--   {P}{app}:wh:presence  present when an endpoint of the app wants presence events
--   {P}{app}:wh:dropped   entries the scripts could not append (log full), taken by the reader
--   {P}{app}:wh:lease     the node that reads the app's log, with a TTL
--   {P}{app}:wh:occ:{ch}  the nodes with a subscriber on the channel
--   {P}wh:node:{id}:occ   "app\nchannel" of every channel a node has a subscriber on
--   {P}wh:nodes           node id -> last beat (ms), for reaping the occupancy of dead nodes
local P = ARGV[1]

-- Appends one event (flat field/value list) to the app's log. Returns 1 when logged, 0 when
-- the app has no webhooks or its log is full; a full log counts the drop when asked to.
local function wh_append(app, fields, count_drop)
  local cap = tonumber(redis.call('GET', P .. app .. ':wh:cap') or '0')
  if cap <= 0 then return 0 end
  local log = P .. app .. ':wh:log'
  if redis.call('XLEN', log) >= cap then
    if count_drop then redis.call('INCR', P .. app .. ':wh:dropped') end
    return 0
  end
  redis.call('XADD', log, '*', unpack(fields))
  return 1
end

local function wh_now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function wh_split2(k)
  return string.match(k, '^([^\n]*)\n(.*)$')
end

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
