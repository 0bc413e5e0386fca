package ca.metered.realtime.protocol.frame;

import java.util.List;
import java.util.Objects;

/**
 * A frame from server to client (docs/protocol.md 2.2, and the extensions of docs/protocol.md 9). Optional
 * fields are {@code null} when absent and then not written at all, so a client that asked for no
 * extension sees exactly the hosted service's frames; JSON-valued fields are {@link RawJson} so
 * they are written verbatim.
 *
 * <p>All implementations are immutable records; thread-safe.
 */
public sealed interface ServerFrame
        permits ServerFrame.Welcome, ServerFrame.Ack, ServerFrame.Error, ServerFrame.Message,
                ServerFrame.Direct, ServerFrame.Presence, ServerFrame.GoingAway, ServerFrame.Pong,
                ServerFrame.Resubscribe {

    /** The frame's {@code type}; switch over it (exhaustively) where Java 17 cannot switch on the record. */
    enum Kind { WELCOME, ACK, ERROR, MESSAGE, DIRECT, PRESENCE, GOING_AWAY, PONG, RESUBSCRIBE }

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

    /**
     * The answer to a command that carried a {@code requestId}. The hosted service's ack has only
     * the {@code requestId}; the other fields answer the extensions (docs/protocol.md 9) and are
     * {@code null} (not written) otherwise.
     *
     * @param recovered a {@code subscribe} with {@code recover}: whether every missed message
     *                  follows ({@code true}) or recovery was not possible ({@code false})
     * @param position  a subscribe to, publish to, or history of a channel with history: the
     *                  channel's position ({@code epoch}, {@code offset}) the answer refers to
     * @param messages  a {@code history} request: the messages, oldest first
     * @param expiresAt a {@code refresh}: the new token's {@code exp}, Unix seconds
     */
    record Ack(String requestId, Boolean recovered, StreamPosition position, List<Message> messages, Long expiresAt)
            implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.ACK;
        }

        public Ack {
            Objects.requireNonNull(requestId, "requestId");
            messages = messages == null ? null : List.copyOf(messages);
        }

        /** The plain ack of the hosted service's protocol. */
        public Ack(String requestId) {
            this(requestId, null, null, null, null);
        }

        /** A subscribe's or publish's ack on a channel with history; {@code recovered} only when recovery was asked. */
        public static Ack positioned(String requestId, Boolean recovered, StreamPosition position) {
            return new Ack(requestId, recovered, position, null, null);
        }

        /** A history request's ack. */
        public static Ack history(String requestId, StreamPosition position, List<Message> messages) {
            return new Ack(requestId, null, position, messages, null);
        }

        /** A refresh's ack. */
        public static Ack refreshed(String requestId, long expiresAt) {
            return new Ack(requestId, null, null, null, expiresAt);
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

    /**
     * A channel message.
     *
     * @param position the message's place in the channel's history ({@code offset}, {@code epoch};
     *                 docs/protocol.md 9), or {@code null} on a channel without history
     */
    record Message(String channel, String from, RawJson data, RawJson fromMetadata, StreamPosition position)
            implements ServerFrame {
        /** A message of a channel without history. */
        public Message(String channel, String from, RawJson data, RawJson fromMetadata) {
            this(channel, from, data, fromMetadata, null);
        }

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

    /** Both lists are always written, empty or not (docs/protocol.md 2.2). */
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

    /**
     * A hint to a subscription that asked for recovery (docs/protocol.md 9): this node may have missed
     * messages of the channel (a gap in the offsets, or an epoch change), so the client should
     * subscribe to it again with {@code recover} from the last position it saw. Never sent to a
     * subscription without {@code recover}.
     */
    record Resubscribe(String channel) implements ServerFrame {
        @Override
        public Kind kind() {
            return Kind.RESUBSCRIBE;
        }

        public Resubscribe {
            Objects.requireNonNull(channel, "channel");
        }
    }
}
