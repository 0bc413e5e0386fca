package ca.metered.realtime.server.cluster;

import ca.metered.realtime.protocol.frame.RawJson;

/** A direct message as it crosses the backplane. Immutable. */
public record DirectMessage(String originNode, String appId, String to, String from, RawJson data,
                            RawJson fromMetadata) {
}
