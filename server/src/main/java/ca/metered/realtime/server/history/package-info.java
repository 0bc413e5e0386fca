/**
 * Channel history (docs/protocol.md 9): positions ({@code epoch}, {@code offset}), the messages a
 * channel keeps, recovery after a reconnect, and the publish idempotency window. The seam is
 * {@link ca.metered.realtime.server.history.HistoryStore}; {@link
 * ca.metered.realtime.server.history.InMemoryHistory} serves one node (or several in one JVM),
 * {@link ca.metered.realtime.server.history.redis.RedisHistory} a cluster over Redis Streams.
 * The rules that decide what a read may answer are in {@link
 * ca.metered.realtime.server.history.ChannelLog} (in memory) and {@code rms/redis/history/read.lua}
 * (Redis); one contract test suite holds both to the same behaviour.
 */
package ca.metered.realtime.server.history;
