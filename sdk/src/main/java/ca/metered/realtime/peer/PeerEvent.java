package ca.metered.realtime.peer;

import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.internal.Json;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Something that happened to a {@link MeteredPeer}; register with
 * {@link MeteredPeer#on(Class, java.util.function.Consumer)}. Names and payloads mirror the JS
 * SDK's MeteredPeer events. Immutable records; thread-safe.
 */
public sealed interface PeerEvent
        permits PeerEvent.Joined, PeerEvent.Left, PeerEvent.StateChange, PeerEvent.PeerJoined, PeerEvent.PeerLeft,
                PeerEvent.Data, PeerEvent.Error {

    /** The JS event name ({@code "joined"}, {@code "peer-joined"}, ...). */
    String eventName();

    /** Once, after {@code join()} completed: the final peerId and the channel. */
    record Joined(String peerId, String channel) implements PeerEvent {
        @Override
        public String eventName() {
            return "joined";
        }
    }

    /**
     * Once, on reaching {@code CLOSED}; {@code peerId} and {@code channel} are what was in use
     * (either may be {@code null}); {@code reason} is the close reason or {@code null}.
     */
    record Left(String peerId, String channel, String reason) implements PeerEvent {
        @Override
        public String eventName() {
            return "left";
        }
    }

    /** Every state transition; {@code from != to}. */
    record StateChange(PeerState from, PeerState to) implements PeerEvent {
        @Override
        public String eventName() {
            return "state-change";
        }
    }

    /** A remote peer appeared in the channel; register its listeners here. */
    record PeerJoined(RemotePeer peer) implements PeerEvent {
        @Override
        public String eventName() {
            return "peer-joined";
        }
    }

    /** A remote peer left (or this peer closed); {@code peer} is already {@code CLOSED}. */
    record PeerLeft(RemotePeer peer) implements PeerEvent {
        @Override
        public String eventName() {
            return "peer-left";
        }
    }

    /** How a {@link Data} payload was routed. */
    enum DataKind {
        /** {@link MeteredPeer#send} to the whole channel. */
        BROADCAST,
        /** {@link MeteredPeer#sendTo} this peer. */
        DIRECT
    }

    /**
     * An application payload from a peer seen in presence on this channel (RTC signals and
     * track metadata never surface here; own broadcasts are filtered out).
     *
     * @param senderPeerId   server-stamped; trust it, not fields inside {@code data}
     * @param senderMetadata the sender's {@code peerMetadata}: on directs whenever present, on
     *                       broadcasts only when joined with {@code includeSenderMetadata}; may be {@code null}
     */
    record Data(String senderPeerId, JsonNode data, DataKind kind, JsonNode senderMetadata) implements PeerEvent {
        @Override
        public String eventName() {
            return "data";
        }

        public <T> T data(Class<T> type) {
            return Json.convert(data, type);
        }

        public <T> T data(TypeReference<T> type) {
            return Json.convert(data, type);
        }

        public Optional<JsonNode> optionalSenderMetadata() {
            return Optional.ofNullable(senderMetadata);
        }
    }

    /**
     * A fatal condition the application must act on; branch on {@code error.code()}: fatal close
     * codes ({@code invalid_token}, {@code token_expired}, {@code channel_not_authorized},
     * {@code account_suspended}, {@code admin_disconnect}, {@code close_<n>}), fatal uncorrelated
     * server errors (the server's code, e.g. {@code action_not_permitted}),
     * {@link PeerErrorCodes#TOKEN_PROVIDER_ERROR} and {@link PeerErrorCodes#RECONCILE_TIMEOUT}.
     */
    record Error(RealtimeException error) implements PeerEvent {
        @Override
        public String eventName() {
            return "error";
        }
    }
}
