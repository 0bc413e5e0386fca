package ca.metered.realtime.server.cluster;

import ca.metered.realtime.protocol.frame.RawJson;

/**
 * A channel message as it crosses the backplane.
 *
 * @param originNode         node that accepted the publish
 * @param originConnectionId the publishing connection on that node ({@code -1} for REST), which
 *                           must not receive its own message
 */
public record Publication(String originNode, long originConnectionId, String appId, String channel,
                          String from, RawJson data, RawJson fromMetadata) {
}
