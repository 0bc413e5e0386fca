package ca.metered.realtime.peer;

import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.RtcDataChannel;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Something that happened to a {@link RemotePeer}; register with
 * {@link RemotePeer#on(Class, java.util.function.Consumer)}. Mirrors JS {@code RemotePeerEventMap}
 * (docs/sdk-behaviour.md 1.3). Immutable records; the media handles inside are the binding's.
 */
public sealed interface RemotePeerEvent
        permits RemotePeerEvent.StateChange, RemotePeerEvent.NegotiationError, RemotePeerEvent.IceCandidateError,
                RemotePeerEvent.Track, RemotePeerEvent.DataChannelOpened, RemotePeerEvent.StreamAdded,
                RemotePeerEvent.StreamRemoved, RemotePeerEvent.ConnectionReset {

    /** The JS event name. */
    String eventName();

    /** Every (filtered) state transition; {@code CONNECTING} is never shown after {@code RECONNECTING}. */
    record StateChange(RemotePeerState from, RemotePeerState to) implements RemotePeerEvent {
        @Override
        public String eventName() {
            return "state-change";
        }
    }

    /**
     * Negotiation failed. Transient unless {@code error.code()} is
     * {@link PeerErrorCodes#ICE_RESTART_EXHAUSTED} (fired once; rebuild the MeteredPeer).
     * Messages are scrubbed of ICE credentials.
     */
    record NegotiationError(RealtimeException error) implements RemotePeerEvent {
        @Override
        public String eventName() {
            return "negotiation-error";
        }
    }

    /** A remote candidate was rejected; usually benign. */
    record IceCandidateError(RealtimeException error) implements RemotePeerEvent {
        @Override
        public String eventName() {
            return "ice-candidate-error";
        }
    }

    /**
     * A remote track arrived. {@code metadata} is what the sender attached with
     * {@code addTrack}/{@code addStream} (untrusted; {@code null} if none).
     */
    record Track(MediaTrack track, List<MediaStream> streams, ObjectNode metadata) implements RemotePeerEvent {
        public Track {
            streams = List.copyOf(streams);
        }

        @Override
        public String eventName() {
            return "track";
        }
    }

    /**
     * The remote side opened a data channel; wrap it with
     * {@link DataChannel#wrap(RtcDataChannel, DataChannelOptions)} for bounded sends.
     */
    record DataChannelOpened(RtcDataChannel channel) implements RemotePeerEvent {
        @Override
        public String eventName() {
            return "data-channel";
        }
    }

    /**
     * First track of a stream id on the current connection; fires again after a reconcile with a
     * new handle: re-bind renderers on every one.
     */
    record StreamAdded(MediaStream stream, ObjectNode metadata) implements RemotePeerEvent {
        @Override
        public String eventName() {
            return "stream-added";
        }
    }

    /** A stream has no live tracks left (not fired for the teardown of a reconciled connection). */
    record StreamRemoved(MediaStream stream) implements RemotePeerEvent {
        @Override
        public String eventName() {
            return "stream-removed";
        }
    }

    /**
     * After a reconcile swapped in a fresh connection ({@link RemotePeer#peerConnection()} already
     * returns it): re-create application data channels here.
     */
    record ConnectionReset() implements RemotePeerEvent {
        @Override
        public String eventName() {
            return "connection-reset";
        }
    }
}
