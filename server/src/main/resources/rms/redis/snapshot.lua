-- ARGV: prefix, app, channel. Returns {seq, peer1, meta1, ...}.
local app, ch = ARGV[2], ARGV[3]
local out = redis.call('HGETALL', P .. app .. ':pm:' .. ch)
table.insert(out, 1, presence_seq(app))
return out
