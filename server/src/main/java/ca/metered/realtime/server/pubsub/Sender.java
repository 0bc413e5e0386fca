package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.auth.Permissions;
import java.util.Objects;

/**
 * Who publishes or sends: a WebSocket connection, or the REST API on behalf of a backend.
 *
 * <p>Immutable; thread-safe.
 *
 * @param peerId       the {@code from} of the message
 * @param metadata     the sender's {@code peerMetadata}, or {@code null}
 * @param connectionId the publishing connection on this node, which does not get its own
 *                     message; {@code -1} for REST
 */
public record Sender(String appId, Permissions permissions, String peerId, RawJson metadata, long connectionId) {

    public Sender {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(peerId, "peerId");
    }
}
