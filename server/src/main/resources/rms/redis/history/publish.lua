-- Publishes one channel message atomically with the idempotency check and, on a channel with
-- history, the next offset and its stream entry, so every node receives a channel's messages in
-- offset order and a repeated key is never delivered twice.
-- ARGV: prefix, app, channel, topic, tail, entry start (1-based index into tail),
--       idempotency key ('' for none), window ms, size (0 = no history), ttl ms, a fresh epoch
-- Publishes 'm\n' .. tail without history, 'h\n' .. epoch .. '\n' .. offset .. '\n' .. tail with.
-- Returns {repeated 0|1, epoch ('' without history), offset (0 without), receivers}.
local topic, tail, entry_start = ARGV[4], ARGV[5], tonumber(ARGV[6])
local key, window, size, ttl = ARGV[7], ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10])
local idem = nil
if key ~= '' then
  idem = P .. app .. ':idem:' .. #ch .. ':' .. ch .. ':' .. key
  local prior = redis.call('GET', idem)
  if prior then
    local e, o, n = string.match(prior, '^([^\n]*)\n(%d+)\n(%d+)$')
    return {1, e, tonumber(o), tonumber(n)}
  end
end
local epoch, offset, payload = '', 0, nil
if size > 0 then
  epoch = position(ARGV[11])
  offset = redis.call('HINCRBY', META, 'o', 1)
  redis.call('XADD', STREAM, 'MAXLEN', size, '*', 'o', offset, 'p', string.sub(tail, entry_start))
  keep(ttl, now_ms())
  redis.call('PEXPIRE', STREAM, ttl)
  payload = 'h\n' .. epoch .. '\n' .. offset .. '\n' .. tail
else
  payload = 'm\n' .. tail
end
local receivers = redis.call('PUBLISH', topic, payload)
if idem then
  redis.call('SET', idem, epoch .. '\n' .. offset .. '\n' .. receivers, 'PX', window)
end
return {0, epoch, offset, receivers}
