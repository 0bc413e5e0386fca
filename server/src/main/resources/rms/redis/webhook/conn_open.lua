-- ARGV: prefix, nodeId, app, connectionId, peerId, metadata ('' for none), announce (1/0),
-- track (1/0). Logs peer.connected when announced; records the connection when its end must be
-- told, so that the others tell it (code 1006) if this node dies.
local node, app, conn, peer, meta = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if ARGV[8] == '1' then
  redis.call('HSET', P .. 'wh:node:' .. node .. ':conns', conn, app .. '\n' .. peer)
end
if ARGV[7] == '1' then
  local f = {'t', 'peer.connected', 'peer', peer, 'conn', conn}
  if meta ~= '' then
    f[#f + 1] = 'meta'
    f[#f + 1] = meta
  end
  return wh_append(app, f, false)
end
return 1
