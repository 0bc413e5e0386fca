-- Shared by the history scripts (protocol.md 9), prepended to each. Key names (keep in step
-- with docs/clustering.md):
--   {P}{app}:hm:{channel}            hash {e = epoch, o = offset of the newest message,
--                                         r = run id of the Redis process that wrote them}
--   {P}{app}:hs:{channel}            stream of the kept messages, fields o (offset), p (entry)
--   {P}{app}:idem:{#channel}:{channel}:{key}   "epoch\noffset\nreceivers" of a first publish
-- Both history keys expire ttl after the last publish or read; the stream keeps at most size
-- entries and none older than ttl (its ids are Redis's own milliseconds).
local P, app, ch = ARGV[1], ARGV[2], ARGV[3]
local META = P .. app .. ':hm:' .. ch
local STREAM = P .. app .. ':hs:' .. ch

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The Redis process's run id: it changes with every restart and failover.
local function run_id()
  return string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
end

-- The channel's epoch and newest offset. A channel without them starts a new epoch at 0, and
-- whatever stream an earlier epoch left behind goes (its offsets mean nothing in the new one).
-- So does a channel whose position was written by another Redis process (field r): after a
-- restart from an RDB/AOF file, or a failover to a replica, the newest writes may be lost and
-- their offsets would be handed out again for other messages; a new epoch makes every client
-- position from before unrecoverable instead.
local function position(fresh_epoch)
  local run = run_id()
  local m = redis.call('HMGET', META, 'e', 'o', 'r')
  if m[1] and m[3] == run then return m[1], tonumber(m[2]) end
  redis.call('DEL', STREAM)
  redis.call('HSET', META, 'e', fresh_epoch, 'o', 0, 'r', run)
  return fresh_epoch, 0
end

-- Drops entries at or past the ttl and keeps both keys for another ttl.
local function keep(ttl, now)
  redis.call('XTRIM', STREAM, 'MINID', now - ttl + 1)
  redis.call('PEXPIRE', META, ttl)
end
