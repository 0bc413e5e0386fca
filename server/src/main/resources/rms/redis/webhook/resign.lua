-- ARGV: prefix, app, nodeId. Frees the lease if this node holds it.
local k = P .. ARGV[2] .. ':wh:lease'
if redis.call('GET', k) == ARGV[3] then redis.call('DEL', k) end
return 1
