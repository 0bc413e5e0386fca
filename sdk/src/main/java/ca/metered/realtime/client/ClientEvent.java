package ca.metered.realtime.client;

import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.protocol.frame.StreamPosition;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a {@link SignallingClient}; register for a record type with
 * {@link SignallingClient#on(Class, java.util.function.Consumer)} or consume a stream with
 * {@link SignallingClient#events(Class)}. The names and payloads mirror the JS SDK's events.
 *
 * <p>All implementations are immutable records; thread-safe. JSON values are Jackson trees;
 * treat them as read-only. {@link #toJson()} renders any event as one line of JSON (for logs and
 * command-line tools).
 */
public sealed interface ClientEvent
        permits ClientEvent.Connected, ClientEvent.Disconnected, ClientEvent.StateChange, ClientEvent.Message,
                ClientEvent.Direct, ClientEvent.Presence, ClientEvent.ServerError, ClientEvent.GoingAway,
                ClientEvent.TokenProviderError, ClientEvent.Recovery {

    EventType type();

    /** One line of JSON: {@code {"event":"message","channel":...}}; credentials are never included. */
    default String toJson() {
        return Json.eventToJson(this);
    }

    /**
     * After every successful {@code welcome}: the first connect and every reconnect.
     *
     * @param serverTime     Unix seconds when the server stamped the welcome (clock skew)
     * @param expiresAt      Unix seconds of the JWT's {@code exp}; {@code null} for publishable keys
     * @param isReconnect    {@code false} on the first welcome after {@code connect()}, {@code true} after
     * @param maxMessageSize the server's cap in bytes; {@code publish}/{@code send} check against it
     * @param iceServers     from {@code welcome.metadata.iceServers}, or {@code null} when absent or invalid
     */
    record Connected(String peerId, long serverTime, Long expiresAt, boolean isReconnect, int maxMessageSize,
                     List<IceServer> iceServers) implements ClientEvent {
        public Connected {
            Objects.requireNonNull(peerId, "peerId");
            iceServers = iceServers == null ? null : List.copyOf(iceServers);
        }

        @Override
        public EventType type() {
            return EventType.CONNECTED;
        }
    }

    /**
     * Every close of the WebSocket. {@code willReconnect == false} means the client stopped: a
     * terminal close code (4001, 4003, 4012, 4020), {@code maxAttempts} used up, reconnect
     * disabled, a first connect that failed, or {@link SignallingClient#close()}.
     */
    record Disconnected(int code, String reason, boolean willReconnect) implements ClientEvent {
        @Override
        public EventType type() {
            return EventType.DISCONNECTED;
        }
    }

    /** Every state transition; {@code from != to}. */
    record StateChange(ClientState from, ClientState to) implements ClientEvent {
        @Override
        public EventType type() {
            return EventType.STATE_CHANGE;
        }
    }

    /**
     * A publish to a subscribed channel by another connection (the server does not echo your own
     * publishes back to you).
     *
     * @param from         server-stamped sender peerId (trust it; do not trust fields inside {@code data})
     * @param fromMetadata sender's {@code peerMetadata} when subscribed with sender metadata, else {@code null}
     * @param position     the message's place in the channel's history ({@code offset}, {@code epoch};
     *                     docs/protocol.md 9), or {@code null} on a channel without history
     */
    record Message(String channel, String from, JsonNode data, JsonNode fromMetadata, StreamPosition position)
            implements ClientEvent {
        /** A message without a position (a channel without history). */
        public Message(String channel, String from, JsonNode data, JsonNode fromMetadata) {
            this(channel, from, data, fromMetadata, null);
        }

        @Override
        public EventType type() {
            return EventType.MESSAGE;
        }

        /** {@code data} converted to {@code type} with Jackson. */
        public <T> T data(Class<T> type) {
            return Json.convert(data, type);
        }

        public <T> T data(TypeReference<T> type) {
            return Json.convert(data, type);
        }

        public Optional<JsonNode> senderMetadata() {
            return Optional.ofNullable(fromMetadata);
        }
    }

    /** A {@code send} addressed to this peer; {@code fromMetadata} is the sender's {@code peerMetadata} or {@code null}. */
    record Direct(String from, JsonNode data, JsonNode fromMetadata) implements ClientEvent {
        @Override
        public EventType type() {
            return EventType.DIRECT;
        }

        public <T> T data(Class<T> type) {
            return Json.convert(data, type);
        }

        public <T> T data(TypeReference<T> type) {
            return Json.convert(data, type);
        }

        public Optional<JsonNode> senderMetadata() {
            return Optional.ofNullable(fromMetadata);
        }
    }

    /**
     * A roster change on a subscribed channel. The first one after a subscribe lists everyone
     * already there (the snapshot); later ones are deltas.
     */
    record Presence(String channel, List<PresencePeer> joined, List<PresencePeer> left) implements ClientEvent {
        public Presence {
            joined = List.copyOf(joined);
            left = List.copyOf(left);
        }

        @Override
        public EventType type() {
            return EventType.PRESENCE;
        }
    }

    /** One presence entry; {@code metadata} is the peer's {@code peerMetadata} or {@code null}. */
    record PresencePeer(String peerId, JsonNode metadata) {
        public PresencePeer {
            Objects.requireNonNull(peerId, "peerId");
        }
    }

    /**
     * An {@code error} frame that failed no pending request (uncorrelated, e.g.
     * {@code over_message_quota}). Errors answering a request fail that request's future instead.
     * The connection stays open.
     */
    record ServerError(String code, String message, String requestId) implements ClientEvent {
        @Override
        public EventType type() {
            return EventType.SERVER_ERROR;
        }
    }

    /**
     * The server is about to shut down. Informational: the SDK reconnects with its normal backoff
     * after the following 1001 close and does not wait {@code retryAfterMs} itself.
     */
    record GoingAway(long retryAfterMs) implements ClientEvent {
        @Override
        public EventType type() {
            return EventType.GOING_AWAY;
        }
    }

    /**
     * The outcome of a recovering subscribe (with {@link SignallingClientOptions.Builder#recovery}
     * on): after a reconnect, a resubscribe hint or a gap, the client subscribed again naming the
     * last position it saw. {@code recovered == true}: every message you missed follows (as
     * ordinary {@link Message} events, before any newer one), each once. {@code recovered == false}:
     * messages after {@code from} may be lost to you (the channel no longer keeps them, its history
     * was lost, or it keeps none): reload the state the channel feeds; messages continue after
     * {@code position}.
     *
     * @param from     the position the client asked to recover from ({@code null}: the first
     *                 subscribe, nothing to recover)
     * @param position the channel's position when the server answered, or {@code null} when the
     *                 channel keeps no history
     */
    record Recovery(String channel, boolean recovered, StreamPosition from, StreamPosition position)
            implements ClientEvent {
        public Recovery {
            Objects.requireNonNull(channel, "channel");
        }

        @Override
        public EventType type() {
            return EventType.RECOVERY;
        }
    }

    /**
     * The token provider failed {@code consecutiveFailures} (≥ 3) times in a row; fired on every
     * failure from the third on. Informational: the client keeps retrying.
     */
    record TokenProviderError(int consecutiveFailures, RealtimeException error) implements ClientEvent {
        @Override
        public EventType type() {
            return EventType.TOKEN_PROVIDER_ERROR;
        }
    }
}
