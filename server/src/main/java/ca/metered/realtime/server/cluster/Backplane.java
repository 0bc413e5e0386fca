package ca.metered.realtime.server.cluster;

/**
 * The four seams a node uses to act as part of a cluster (design.md "Scale-out"). The
 * in-memory implementation ({@link InMemoryCluster}) serves one node, or several nodes inside
 * one JVM; a Redis implementation spans processes.
 *
 * <p>Immutable holder; the seams themselves are thread-safe.
 */
public record Backplane(Broker broker, PresenceStore presence, ControlChannel control, UsageStore usage) {
}
