-- ARGV: prefix, app, channel. Returns {seq, peer1, meta1, ...}.
local app, ch = ARGV[2], ARGV[3]
local out = redis.call('HGETALL', P .. app .. ':pm:' .. ch)
table.insert(out, 1, redis.call('GET', P .. app .. ':ps:' .. ch) or '0')
return out
