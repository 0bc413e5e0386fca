package ca.metered.realtime.protocol.frame;

/**
 * A command from client to server (protocol.md 2.1). Handle with an exhaustive {@code switch}
 * so that a new command fails to compile until every place handles it.
 *
 * <p>All implementations are immutable records; thread-safe.
 */
public sealed interface ClientFrame
        permits ClientFrame.Subscribe, ClientFrame.Unsubscribe, ClientFrame.Publish,
                ClientFrame.Send, ClientFrame.Ping {

    /** The command's {@code type}; switch over it (exhaustively) where Java 17 cannot switch on the record. */
    enum Kind { SUBSCRIBE, UNSUBSCRIBE, PUBLISH, SEND, PING }

    Kind kind();

    /** The correlation id, or {@code null} when the client sent none. */
    String requestId();

    /** {@code subscribe}: join a channel, or every channel matching a glob. */
    record Subscribe(String channel, String requestId, boolean includeSenderMetadata) implements ClientFrame {
        @Override
        public Kind kind() {
            return Kind.SUBSCRIBE;
        }

    }

    /** {@code unsubscribe}: leave a channel; idempotent. */
    record Unsubscribe(String channel, String requestId) implements ClientFrame {
        @Override
        public Kind kind() {
            return Kind.UNSUBSCRIBE;
        }

    }

    /** {@code publish}: deliver {@code data} to the other subscribers of a channel. */
    record Publish(String channel, RawJson data, String requestId) implements ClientFrame {
        @Override
        public Kind kind() {
            return Kind.PUBLISH;
        }

    }

    /** {@code send}: deliver {@code data} to every connection of one peer. */
    record Send(String to, RawJson data, String requestId) implements ClientFrame {
        @Override
        public Kind kind() {
            return Kind.SEND;
        }

    }

    /** {@code ping}: application-level keepalive, answered with {@code pong}. */
    record Ping() implements ClientFrame {
        @Override
        public Kind kind() {
            return Kind.PING;
        }

        @Override
        public String requestId() {
            return null;
        }
    }
}
