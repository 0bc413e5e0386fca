-- ARGV: prefix, app, field1, value1, ... Returns 1 when logged, 0 when full or not configured.
return wh_append(ARGV[2], {unpack(ARGV, 3)}, false)
