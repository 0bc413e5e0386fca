-- Reads a channel's history by the rules of server.history.ChannelLog (protocol.md 9).
-- ARGV: prefix, app, channel, a fresh epoch, ttl ms, size, since epoch ('' = the newest),
--       since offset, limit, max bytes, frame overhead (bytes a frame adds to an entry's fields)
-- Returns {epoch, offset, status, reachesTop 0|1, id1, offset1, entry1, id2, ...}, entries in
-- offset order; status 'ok', or why since cannot be served: 'epoch', 'old', 'ahead'.
local ttl, size = tonumber(ARGV[5]), tonumber(ARGV[6])
local since_epoch, since = ARGV[7], tonumber(ARGV[8])
local limit, max_bytes, overhead = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local epoch, top = position(ARGV[4])
keep(ttl, now_ms())
local out = {epoch, top, 'ok', 1}

local function field(e, name)
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == name then return f[i + 1] end
  end
end

-- An entry's weight as HistoryEntry.weight counts it: the overhead plus from, metadata and data
-- (the entry is "from\nmetaLength\nmetadata data": all of it but the length field and newlines).
local function weight(entry)
  local nl1 = string.find(entry, '\n', 1, true)
  local nl2 = string.find(entry, '\n', nl1 + 1, true)
  return overhead + #entry - 1 - (nl2 - nl1)
end

-- Appends entries first..last of got (a step of 1 or -1) while the limit and budget allow; the
-- first always fits. Returns how many it appended.
local function take(got, first, last, step)
  local n, bytes = 0, 0
  for i = first, last, step do
    if n >= limit then break end
    local e = got[i]
    local entry = field(e, 'p')
    bytes = bytes + weight(entry)
    if n > 0 and bytes > max_bytes then break end
    n = n + 1
    out[#out + 1] = e[1]
    out[#out + 1] = field(e, 'o')
    out[#out + 1] = entry
  end
  return n
end

if since_epoch == '' then
  if limit == 0 then return out end
  -- newest first from Redis; take newest-first within the budget, then hand them out oldest first
  local got = redis.call('XREVRANGE', STREAM, '+', '-', 'COUNT', limit)
  local n = take(got, 1, #got, 1)
  -- reverse the triples just appended
  local base = 4
  for i = 0, math.floor(n / 2) - 1 do
    for j = 1, 3 do
      local a, b = base + i * 3 + j, base + (n - 1 - i) * 3 + j
      out[a], out[b] = out[b], out[a]
    end
  end
  return out
end
if since_epoch ~= epoch then out[3] = 'epoch'; return out end
if since > top then out[3] = 'ahead'; return out end
if since == top then return out end
local want = top - since
if want > size then out[3] = 'old'; return out end
local got = redis.call('XREVRANGE', STREAM, '+', '-', 'COUNT', want)
if #got == 0 or tonumber(field(got[#got], 'o')) ~= since + 1 then out[3] = 'old'; return out end
local n = take(got, #got, 1, -1)
out[4] = (n > 0 and tonumber(out[#out - 1]) == top) and 1 or 0
return out
