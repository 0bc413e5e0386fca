package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.InvalidArgumentException;
import ca.metered.realtime.protocol.ChannelNames;
import ca.metered.realtime.protocol.PeerIds;

/**
 * Client-side argument checks with the protocol module's rules (docs/protocol.md 2.4 channel names,
 * 5 peerIds), so a request the server would refuse fails before it is sent. Each returns the
 * failure, or {@code null} when the argument is fine. Stateless; thread-safe.
 */
public final class Validation {
    private Validation() {
    }

    public static InvalidArgumentException channel(String channel) {
        if (channel == null || channel.isEmpty()) {
            return new InvalidArgumentException("channel must be a non-empty string");
        }
        if (!ChannelNames.isValid(channel)) {
            return new InvalidArgumentException("channel must be 1-" + ChannelNames.MAX_BYTES
                    + " bytes of UTF-8 without control characters (got " + Json.utf8Length(channel) + " bytes)");
        }
        return null;
    }

    public static InvalidArgumentException peerId(String peerId) {
        if (peerId == null || peerId.isEmpty()) {
            return new InvalidArgumentException("peerId must be a non-empty string");
        }
        if (!PeerIds.isValid(peerId)) {
            return new InvalidArgumentException("peerId must be 1-" + PeerIds.MAX_LENGTH
                    + " printable ASCII characters (got " + peerId.length() + " chars)");
        }
        return null;
    }

    public static InvalidArgumentException notNull(Object value, String name) {
        return value == null ? new InvalidArgumentException(name + " must not be null") : null;
    }
}
