package ca.metered.realtime.protocol.frame;

import java.util.List;
import java.util.Objects;

/**
 * A frame from server to client (protocol.md 2.2). Optional fields are {@code null} when absent;
 * JSON-valued fields are {@link RawJson} so they are written verbatim.
 *
 * <p>All implementations are immutable records; thread-safe.
 */
public sealed interface ServerFrame
        permits ServerFrame.Welcome, ServerFrame.Ack, ServerFrame.Error, ServerFrame.Message,
                ServerFrame.Direct, ServerFrame.Presence, ServerFrame.GoingAway, ServerFrame.Pong {

    /** The frame's {@code type}; switch over it (exhaustively) where Java 17 cannot switch on the record. */
    enum Kind { WELCOME, ACK, ERROR, MESSAGE, DIRECT, PRESENCE, GOING_AWAY, PONG }

    Kind kind();

    /**
     * First frame of every connection.
     *
     * @param serverTime Unix seconds
     * @param expiresAt  Unix seconds of the JWT {@code exp}, or {@code null} for publishable keys
     * @param metadata   the JWT {@code metadata} claim verbatim, or {@code null}
     */
    record Welcome(String peerId, long serverTime, Long expiresAt, int maxMessageSize, RawJson metadata)
            implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.WELCOME;
        }

    }

    record Ack(String requestId) implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.ACK;
        }

        public Ack {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /** @param message human text, may be {@code null}; @param requestId {@code null} when uncorrelated */
    record Error(String code, String message, String requestId) implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.ERROR;
        }

        public Error {
            Objects.requireNonNull(code, "code");
        }
    }

    record Message(String channel, String from, RawJson data, RawJson fromMetadata) implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.MESSAGE;
        }

    }

    record Direct(String from, RawJson data, RawJson fromMetadata) implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.DIRECT;
        }

    }

    /** One entry of a presence list; {@code metadata} is the peer's {@code peerMetadata} or {@code null}. */
    record PresenceEntry(String peerId, RawJson metadata) {
        public PresenceEntry {
            Objects.requireNonNull(peerId, "peerId");
        }
    }

    /** Both lists are always written, empty or not (protocol.md 2.2). */
    record Presence(String channel, List<PresenceEntry> joined, List<PresenceEntry> left) implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.PRESENCE;
        }

        public Presence {
            joined = List.copyOf(joined);
            left = List.copyOf(left);
        }
    }

    record GoingAway(long retryAfterMs) implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.GOING_AWAY;
        }

    }

    record Pong() implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.PONG;
        }

    }
}
