-- ARGV: prefix, nodeId, connectionId, code, reason. Logs peer.disconnected for a recorded
-- connection and forgets it. A no-op for a connection not recorded (or already reaped).
return wh_conn_close(ARGV[2], ARGV[3], ARGV[4], ARGV[5])
