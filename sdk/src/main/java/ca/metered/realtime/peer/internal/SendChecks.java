package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.InvalidArgumentException;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.client.internal.Loggers;
import ca.metered.realtime.peer.MeteredPeerOversizedException;
import ca.metered.realtime.peer.MeteredPeerSendException;
import ca.metered.realtime.peer.PeerState;
import ca.metered.realtime.protocol.PeerIds;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What {@code MeteredPeer.send}/{@code sendTo} check before anything goes to the client (seed 001,
 * JS 1.2.0 {@code send}/{@code sendTo}/{@code checkPayloadSize}): joined, arguments, self-send, the
 * server's size cap; and the warnings (not errors) for a direct payload that looks like the SDK's
 * own control messages. Stateless.
 */
final class SendChecks {
    /** A direct payload as a tree, or why it may not be sent. */
    record Direct(JsonNode data, RealtimeException problem) {
    }

    private SendChecks() {
    }

    /** Why a broadcast may not be sent, or {@code null}. */
    static RealtimeException broadcast(PeerState state, String channel, Object data, int cap) {
        if (state != PeerState.JOINED || channel == null) {
            return new MeteredPeerSendException("not_joined",
                    "MeteredPeer.send: not joined (state=" + state.wireName() + "); call join() first");
        }
        if (data == null) {
            return new MeteredPeerSendException("invalid_args",
                    "MeteredPeer.send(data): data must not be null (use NullNode for JSON null)");
        }
        return size(data, cap);
    }

    static Direct direct(PeerState state, String self, String peerId, Object data, int cap, Logger logger) {
        if (state != PeerState.JOINED) {
            return problem(new MeteredPeerSendException("not_joined",
                    "MeteredPeer.sendTo: not joined (state=" + state.wireName() + "); call join() first"));
        }
        if (!PeerIds.isValid(peerId)) {
            // Seed 001: invalid_args "if peerId is malformed" (JS checks non-empty here and lets its
            // client layer reject the rest with a TypeError).
            return problem(new MeteredPeerSendException("invalid_args", "MeteredPeer.sendTo(peerId, data): peerId must be 1-"
                    + PeerIds.MAX_LENGTH + " printable ASCII characters"));
        }
        if (data == null) {
            return problem(new MeteredPeerSendException("invalid_args",
                    "MeteredPeer.sendTo(peerId, data): data must not be null (use NullNode for JSON null)"));
        }
        if (peerId.equals(self)) {
            return problem(new MeteredPeerSendException("self_send",
                    "MeteredPeer.sendTo: cannot send to self (peerId equals local peerId)"));
        }
        JsonNode tree;
        try {
            tree = Json.valueToTree(data);
        } catch (InvalidArgumentException e) {
            return problem(new MeteredPeerSendException("invalid_args", "MeteredPeer.sendTo: " + e.getMessage()));
        }
        // Shipped anyway, as in JS: breaking a payload that happens to use these shapes would be worse.
        if (tree.isObject() && tree.has(Signals.TRACK_META_KEY)) {
            Loggers.log(logger, "warn", "MeteredPeer.sendTo: payload uses reserved key '" + Signals.TRACK_META_KEY
                    + "'; the receiver may interpret it as a track-metadata update. Use a different key.",
                    Map.of("toPeerId", peerId));
        }
        if (Signals.looksLikeSignal(tree)) {
            Loggers.log(logger, "warn", "MeteredPeer.sendTo: payload matches the SDK's internal WebRTC signalling "
                    + "shape ('rtc-description' / 'rtc-ice'); the recipient SDK will consume it as a connection signal.",
                    Map.of("toPeerId", peerId));
        }
        return new Direct(tree, size(tree, cap));
    }

    /** {@link MeteredPeerOversizedException} when the JSON is over {@code cap} UTF-8 bytes, else {@code null}. */
    private static RealtimeException size(Object data, int cap) {
        int size;
        try {
            size = Signals.size(data);
        } catch (RuntimeException e) {
            return null; // let the client report the serialisation problem
        }
        return size > cap ? new MeteredPeerOversizedException(size, cap) : null;
    }

    private static Direct problem(RealtimeException e) {
        return new Direct(null, e);
    }
}
