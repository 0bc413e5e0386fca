package ca.metered.realtime.server.cluster;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.StreamPosition;

/**
 * A channel message as it crosses the backplane.
 *
 * @param originNode         node that accepted the publish
 * @param originConnectionId the publishing connection on that node ({@code -1} for REST), which
 *                           must not receive its own message
 * @param position           its place in the channel's history (docs/protocol.md 9), assigned by the
 *                           backplane as it publishes; {@code null} on a channel without history
 */
public record Publication(String originNode, long originConnectionId, String appId, String channel,
                          String from, RawJson data, RawJson fromMetadata, StreamPosition position) {

    /** A publication without a position: before the backplane assigned one, or on a channel without history. */
    public Publication(String originNode, long originConnectionId, String appId, String channel, String from,
                       RawJson data, RawJson fromMetadata) {
        this(originNode, originConnectionId, appId, channel, from, data, fromMetadata, null);
    }

    public Publication withPosition(StreamPosition at) {
        return new Publication(originNode, originConnectionId, appId, channel, from, data, fromMetadata, at);
    }
}
