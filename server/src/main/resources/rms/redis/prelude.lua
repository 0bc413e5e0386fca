-- Shared helpers, prepended to every script. ARGV[1] is always the key prefix.
local P = ARGV[1]

-- Presence deltas are numbered by one counter per app, not per channel: a channel's keys go
-- away with its last member, and a channel that fills again must never reuse a number that a
-- pending subscription could still compare a snapshot against.
local function presence_seq(app)
  return redis.call('GET', P .. app .. ':pseq') or '0'
end

-- Appends one webhook event (a flat field/value list) to the app's event log, a stream of the
-- entries not yet delivered (docs/webhooks.md "Clusters"). Returns 1 when logged, 0 when the app
-- has no webhooks ({P}{app}:wh:cap absent) or its log is full; a full log counts the drop for
-- the log's reader when asked to.
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

local function publish_delta(app, ch, joined, peer, meta)
  local seq = redis.call('INCR', P .. app .. ':pseq')
  local kind = joined and 'j' or 'l'
  redis.call('PUBLISH', P .. app .. ':ch:' .. ch, 'p\n' .. seq .. '\n' .. kind .. '\n' .. peer .. '\n' .. (meta or ''))
  -- The presence decision is the webhooks' presence event, logged in the same step: once for
  -- the cluster, whichever node (or reaper) decided it.
  if redis.call('EXISTS', P .. app .. ':wh:presence') == 1 then
    local f = {'t', joined and 'presence.joined' or 'presence.left', 'ch', ch, 'peer', peer}
    if joined and meta and meta ~= '' then
      f[#f + 1] = 'meta'
      f[#f + 1] = meta
    end
    wh_append(app, f, true)
  end
end

-- Changes the cluster-wide connection count of one peer on one channel by d; announces the
-- peer when it goes from 0 to more, and its departure when it drops to 0. The channel's two
-- hashes lose their last field with the last member, and Redis deletes empty hashes.
local function adjust_presence(app, ch, peer, d, meta)
  local pc = P .. app .. ':pc:' .. ch
  local n = redis.call('HINCRBY', pc, peer, d)
  local before = n - d
  if n <= 0 then
    redis.call('HDEL', pc, peer)
    redis.call('HDEL', P .. app .. ':pm:' .. ch, peer)
    if before > 0 then publish_delta(app, ch, false, peer, '') end
  elseif before <= 0 then
    redis.call('HSET', P .. app .. ':pm:' .. ch, peer, meta or '')
    publish_delta(app, ch, true, peer, meta)
  end
end

local function adjust_conn(app, peer, d)
  local k = P .. app .. ':conns'
  local n = redis.call('HINCRBY', k, peer, d)
  if n <= 0 then redis.call('HDEL', k, peer) end
  local c = redis.call('INCRBY', P .. app .. ':concurrent', d)
  if c < 0 then redis.call('SET', P .. app .. ':concurrent', 0) end
end

local function split3(k)
  return string.match(k, '^([^\n]*)\n([^\n]*)\n(.*)$')
end

local function split2(k)
  return string.match(k, '^([^\n]*)\n(.*)$')
end

-- Makes a node's recorded contributions equal to `want` (field -> {count, meta}), adjusting the
-- cluster-wide counts by the difference. Idempotent.
local function reconcile_presence(node, want)
  local nk = P .. 'node:' .. node .. ':pres'
  local have = redis.call('HGETALL', nk)
  local seen = {}
  for i = 1, #have, 2 do
    local k, n = have[i], tonumber(have[i + 1])
    local w = want[k]
    local target = w and w[1] or 0
    local app, ch, peer = split3(k)
    if target ~= n then adjust_presence(app, ch, peer, target - n, w and w[2] or '') end
    if target <= 0 then redis.call('HDEL', nk, k) else redis.call('HSET', nk, k, target) end
    seen[k] = true
  end
  for k, w in pairs(want) do
    if not seen[k] and w[1] > 0 then
      local app, ch, peer = split3(k)
      adjust_presence(app, ch, peer, w[1], w[2])
      redis.call('HSET', nk, k, w[1])
    end
  end
end

local function reconcile_conns(node, want)
  local nk = P .. 'node:' .. node .. ':conns'
  local have = redis.call('HGETALL', nk)
  local seen = {}
  for i = 1, #have, 2 do
    local k, n = have[i], tonumber(have[i + 1])
    local target = want[k] or 0
    local app, peer = split2(k)
    if target ~= n then adjust_conn(app, peer, target - n) end
    if target <= 0 then redis.call('HDEL', nk, k) else redis.call('HSET', nk, k, target) end
    seen[k] = true
  end
  for k, n in pairs(want) do
    if not seen[k] and n > 0 then
      local app, peer = split2(k)
      adjust_conn(app, peer, n)
      redis.call('HSET', nk, k, n)
    end
  end
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
