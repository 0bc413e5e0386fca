-- ARGV: prefix, app, nodeId, ttlMs. Takes the app's lease when free, renews it when held by
-- this node. Returns 1 when this node holds it now.
local k = P .. ARGV[2] .. ':wh:lease'
local holder = redis.call('GET', k)
if not holder then
  redis.call('SET', k, ARGV[3], 'PX', ARGV[4])
  return 1
end
if holder == ARGV[3] then
  redis.call('PEXPIRE', k, ARGV[4])
  return 1
end
return 0
