-- ARGV: prefix, nodeId, app, channel. This node has no subscriber on the channel any more.
return wh_occ_remove(ARGV[2], ARGV[3], ARGV[4])
