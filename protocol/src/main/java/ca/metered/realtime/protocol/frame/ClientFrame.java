package ca.metered.realtime.protocol.frame;

/**
 * A command from client to server (docs/protocol.md 2.1, and the extensions of docs/protocol.md 9).
 * Handle with an exhaustive {@code switch} so that a new command fails to compile until every
 * place handles it.
 *
 * <p>All implementations are immutable records; thread-safe.
 */
public sealed interface ClientFrame
        permits ClientFrame.Subscribe, ClientFrame.Unsubscribe, ClientFrame.Publish,
                ClientFrame.Send, ClientFrame.Ping, ClientFrame.History, ClientFrame.Refresh {

    /** The command's {@code type}; switch over it (exhaustively) where Java 17 cannot switch on the record. */
    enum Kind { SUBSCRIBE, UNSUBSCRIBE, PUBLISH, SEND, PING, HISTORY, REFRESH }

    Kind kind();

    /** The correlation id, or {@code null} when the client sent none. */
    String requestId();

    /**
     * {@code subscribe}: join a channel, or every channel matching a glob.
     *
     * @param recover the last position the client saw on this channel, asking the server to
     *                replay what it missed (docs/protocol.md 9), or {@code null}
     */
    record Subscribe(String channel, String requestId, boolean includeSenderMetadata, StreamPosition recover)
            implements ClientFrame {
        /** A subscribe without recovery, as the hosted service's clients send it. */
        public Subscribe(String channel, String requestId, boolean includeSenderMetadata) {
            this(channel, requestId, includeSenderMetadata, null);
        }

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

    /**
     * {@code publish}: deliver {@code data} to the other subscribers of a channel.
     *
     * @param idempotencyKey 1-{@value FrameCodec#MAX_IDEMPOTENCY_KEY_LENGTH} chars: a repeat of the
     *                       key on the channel within the app's window is acked with the first
     *                       publish's result and not delivered again (docs/protocol.md 9); or {@code null}
     */
    record Publish(String channel, RawJson data, String requestId, String idempotencyKey) implements ClientFrame {
        /** A publish without an idempotency key, as the hosted service's clients send it. */
        public Publish(String channel, RawJson data, String requestId) {
            this(channel, data, requestId, null);
        }

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

    /**
     * {@code history} (docs/protocol.md 9): the newest {@code limit} messages of a channel, or the
     * oldest {@code limit} after {@code since}; answered by an {@code ack} with {@code messages},
     * {@code epoch} and {@code offset}.
     *
     * @param limit how many messages at most ({@code 0}: only the position), or {@code null}
     *              for the server's default
     * @param since read the messages after this position, or {@code null} for the newest
     */
    record History(String channel, Integer limit, StreamPosition since, String requestId) implements ClientFrame {
        @Override
        public Kind kind() {
            return Kind.HISTORY;
        }
    }

    /**
     * {@code refresh} (docs/protocol.md 9): a fresh JWT for the connection, answered by an
     * {@code ack} with the new {@code expiresAt}.
     */
    record Refresh(String token, String requestId) implements ClientFrame {
        @Override
        public Kind kind() {
            return Kind.REFRESH;
        }

        /** Never prints the token: it is a credential. */
        @Override
        public String toString() {
            return "Refresh[token=…, requestId=" + requestId + "]";
        }
    }
}
