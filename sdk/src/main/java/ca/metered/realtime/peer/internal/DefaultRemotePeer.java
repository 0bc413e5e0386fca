package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.internal.EventHub;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.peer.DataChannel;
import ca.metered.realtime.peer.DataChannelOptions;
import ca.metered.realtime.peer.MeteredPeerSendException;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.RemotePeerEvent;
import ca.metered.realtime.peer.RemotePeerState;
import ca.metered.realtime.peer.rtc.DataChannelInit;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.RtcDataChannel;
import ca.metered.realtime.peer.rtc.RtcPeerConnection;
import ca.metered.realtime.peer.rtc.RtpSender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@link RemotePeer}: forwards its current {@link Negotiator}'s events with the flicker filter
 * (docs/sdk-behaviour.md 1.4), keeps the per-track metadata cache (1.5) and the stream accounting behind
 * {@code stream-added}/{@code stream-removed}. Mutations are loop-confined; getters read volatiles.
 */
final class DefaultRemotePeer implements RemotePeer, Negotiator.Sink {
    static final int MAX_TRACK_METADATA_ENTRIES = 512;

    private final String id;
    private final EventHub<RemotePeerEvent> hub;
    private final Function<Object, CompletableFuture<Void>> sendImpl;
    private final Executor dataChannelExecutor;
    private volatile JsonNode metadata;
    private volatile RemotePeerState state;
    private volatile Negotiator connection;
    private volatile boolean closed;

    private final LinkedHashMap<String, ObjectNode> trackMetadata = new LinkedHashMap<>();
    private final Map<String, Set<String>> streamLiveTracks = new HashMap<>();
    private final Map<String, MediaStream> streamRef = new HashMap<>();
    private final Map<String, List<String>> trackStreams = new HashMap<>();
    /** Local track id → sender on the current connection (MeteredPeer's fan-out bookkeeping). */
    final Map<String, RtpSender> attached = new LinkedHashMap<>();

    DefaultRemotePeer(String id, JsonNode metadata, Executor callbacks, Executor dataChannelExecutor, Logger logger,
                      Function<Object, CompletableFuture<Void>> sendImpl) {
        this.id = id;
        this.metadata = metadata;
        this.hub = new EventHub<>(callbacks, logger);
        this.dataChannelExecutor = dataChannelExecutor;
        this.sendImpl = sendImpl;
    }

    /** Attaches the first connection; state starts as its state ({@code IDLE}). */
    void init(Negotiator first) {
        this.connection = first;
        this.state = first.state();
    }

    Negotiator connection() {
        return connection;
    }

    // ---------------------------------------------------------------- public API

    @Override
    public String id() {
        return id;
    }

    @Override
    public JsonNode metadata() {
        return metadata;
    }

    @Override
    public RemotePeerState state() {
        return state;
    }

    @Override
    public boolean polite() {
        return connection.polite;
    }

    @Override
    public RtcPeerConnection peerConnection() {
        return connection.pc();
    }

    @Override
    public CompletableFuture<Void> send(Object data) {
        if (closed) {
            return CompletableFuture.failedFuture(
                    new MeteredPeerSendException("peer_closed", "RemotePeer " + id + " is closed"));
        }
        return sendImpl.apply(data);
    }

    @Override
    public DataChannel createDataChannel(String label, DataChannelInit init, DataChannelOptions options) {
        if (closed) {
            throw new IllegalStateException("RemotePeer " + id + " is closed");
        }
        RtcDataChannel raw = connection.createDataChannel(label, init);
        return DataChannel.wrap(raw, options, dataChannelExecutor);
    }

    @Override
    public <E extends RemotePeerEvent> Registration on(Class<E> type, Consumer<? super E> listener) {
        return hub.on(type, listener, false);
    }

    @Override
    public <E extends RemotePeerEvent> Registration once(Class<E> type, Consumer<? super E> listener) {
        return hub.on(type, listener, true);
    }

    @Override
    public String toString() {
        return "RemotePeer[id=" + id + ", state=" + state.wireName() + "]"; // no metadata: PII
    }

    // ---------------------------------------------------------------- MeteredPeer bridges (loop)

    void setState(RemotePeerState next) {
        if (next == state) {
            return;
        }
        RemotePeerState from = state;
        state = next;
        hub.emit(new RemotePeerEvent.StateChange(from, next));
    }

    void setMetadata(JsonNode metadata) {
        this.metadata = metadata;
    }

    void setTrackMetadata(String trackId, ObjectNode md) {
        if (md == null) {
            trackMetadata.remove(trackId);
            return;
        }
        if (!trackMetadata.containsKey(trackId) && trackMetadata.size() >= MAX_TRACK_METADATA_ENTRIES) {
            Iterator<String> oldest = trackMetadata.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        trackMetadata.put(trackId, md);
    }

    int trackMetadataSize() {
        return trackMetadata.size();
    }

    ObjectNode trackMetadata(String trackId) {
        return trackMetadata.get(trackId);
    }

    /** Swaps in a fresh connection (reconcile); stream maps are cleared first so teardown is silent. */
    void setConnection(Negotiator next) {
        if (closed) {
            throw new IllegalStateException("RemotePeer " + id + " is closed - cannot swap connection");
        }
        Negotiator old = connection;
        old.detach();
        old.close();
        streamLiveTracks.clear();
        streamRef.clear();
        trackStreams.clear();
        attached.clear();
        connection = next;
        hub.emit(new RemotePeerEvent.ConnectionReset());
    }

    void close() {
        if (closed) {
            return;
        }
        Negotiator c = connection;
        c.detach();
        c.close();
        streamLiveTracks.clear();
        streamRef.clear();
        trackStreams.clear();
        trackMetadata.clear();
        attached.clear();
        closed = true;
        setState(RemotePeerState.CLOSED);
        hub.clear(); // JS removeAllListeners(); the CLOSED event above was already snapshotted
    }

    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- Negotiator.Sink (loop)

    @Override
    public void stateChanged(Negotiator source, RemotePeerState from, RemotePeerState to) {
        if (source != connection) {
            return;
        }
        if (state == RemotePeerState.RECONNECTING && to == RemotePeerState.CONNECTING) {
            return; // "Option-B" flicker filter
        }
        setState(to);
    }

    @Override
    public void negotiationError(Negotiator source, RealtimeException error) {
        if (source == connection) {
            hub.emit(new RemotePeerEvent.NegotiationError(error));
        }
    }

    @Override
    public void iceCandidateError(Negotiator source, RealtimeException error) {
        if (source == connection) {
            hub.emit(new RemotePeerEvent.IceCandidateError(error));
        }
    }

    @Override
    public void track(Negotiator source, MediaTrack track, List<MediaStream> streams) {
        if (source != connection) {
            return;
        }
        ObjectNode md = trackMetadata.get(track.id());
        hub.emit(new RemotePeerEvent.Track(track, streams, md));
        for (MediaStream stream : streams) {
            boolean wasSeen = streamLiveTracks.containsKey(stream.id());
            streamLiveTracks.computeIfAbsent(stream.id(), k -> new LinkedHashSet<>()).add(track.id());
            streamRef.put(stream.id(), stream);
            List<String> ids = trackStreams.computeIfAbsent(track.id(), k -> new ArrayList<>());
            if (!ids.contains(stream.id())) {
                ids.add(stream.id());
            }
            if (!wasSeen) {
                hub.emit(new RemotePeerEvent.StreamAdded(stream, md));
            }
        }
    }

    @Override
    public void removeTrack(Negotiator source, MediaTrack track) {
        if (source != connection) {
            return;
        }
        List<String> ids = trackStreams.remove(track.id());
        if (ids == null) {
            return;
        }
        for (String streamId : ids) {
            Set<String> live = streamLiveTracks.get(streamId);
            if (live == null) {
                continue;
            }
            live.remove(track.id());
            if (live.isEmpty()) {
                streamLiveTracks.remove(streamId);
                MediaStream ref = streamRef.remove(streamId);
                hub.emit(new RemotePeerEvent.StreamRemoved(ref));
            }
        }
    }

    @Override
    public void dataChannel(Negotiator source, RtcDataChannel channel) {
        if (source == connection) {
            hub.emit(new RemotePeerEvent.DataChannelOpened(channel));
        }
    }
}
