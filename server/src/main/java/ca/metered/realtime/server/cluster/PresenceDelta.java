package ca.metered.realtime.server.cluster;

import ca.metered.realtime.protocol.frame.RawJson;

/**
 * One peer joining (its first connection on the channel cluster-wide) or leaving (its last).
 *
 * @param seq      the channel's presence sequence number: a snapshot taken at {@code S} already
 *                 reflects every delta with {@code seq <= S}
 * @param metadata the joining peer's {@code peerMetadata}; {@code null} for none and for leaves
 */
public record PresenceDelta(long seq, boolean joined, String peerId, RawJson metadata) {
}
