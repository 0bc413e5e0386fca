-- ARGV: prefix, app, capacity, presence (1/0). Declares an app's log; every node of the cluster
-- declares the same (same configuration on every node, docs/webhooks.md).
local app = ARGV[2]
redis.call('SET', P .. app .. ':wh:cap', ARGV[3])
if ARGV[4] == '1' then
  redis.call('SET', P .. app .. ':wh:presence', '1')
else
  redis.call('DEL', P .. app .. ':wh:presence')
end
return 1
