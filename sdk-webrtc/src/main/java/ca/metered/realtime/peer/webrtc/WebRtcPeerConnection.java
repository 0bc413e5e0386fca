package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.peer.rtc.DataChannelInit;
import ca.metered.realtime.peer.rtc.IceCandidate;
import ca.metered.realtime.peer.rtc.IceConnectionState;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.OfferOptions;
import ca.metered.realtime.peer.rtc.PeerConnectionState;
import ca.metered.realtime.peer.rtc.RtcDataChannel;
import ca.metered.realtime.peer.rtc.RtcPeerConnection;
import ca.metered.realtime.peer.rtc.RtcPeerConnectionObserver;
import ca.metered.realtime.peer.rtc.RtpSender;
import ca.metered.realtime.peer.rtc.SessionDescription;
import ca.metered.realtime.peer.rtc.SignalingState;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionIceErrorEvent;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpReceiver;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCSignalingState;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An {@link RtcPeerConnection} over webrtc-java's {@link RTCPeerConnection}.
 *
 * <p>webrtc-java frees the native connection in {@code close()} and a call on a closed handle
 * throws, so every native call runs under a read lock and {@link #close()} takes the write lock:
 * after close the getters return the closed values and the operations fail. Stages still pending
 * at close fail with "peer connection closed" (libwebrtc may never call their observers).
 *
 * <p>Native observer callbacks come from the factory's signalling thread, one at a time, in
 * native order; they are forwarded as they come (the port observer does not block). Two
 * translations: end-of-candidates is reported when gathering completes (libwebrtc has no
 * {@code null} candidate) and remote tracks come from {@code onAddTrack}, with their streams
 * taken from the remote SDP (see {@link WebRtcMediaStream}). Do not call {@link #close()} from inside an observer callback.
 */
final class WebRtcPeerConnection implements RtcPeerConnection {
    private final RtcPeerConnectionObserver observer;
    private final Consumer<WebRtcPeerConnection> onClose;
    private final ReadWriteLock rw = new ReentrantReadWriteLock();
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final List<RtpSender> senders = new CopyOnWriteArrayList<>();
    private final Map<String, WebRtcMediaStream> remoteStreams = new ConcurrentHashMap<>();
    private RTCPeerConnection pc; // set once in create(), before the wrapper escapes
    private volatile boolean closed;

    private WebRtcPeerConnection(RtcPeerConnectionObserver observer, Consumer<WebRtcPeerConnection> onClose) {
        this.observer = observer;
        this.onClose = onClose;
    }

    static WebRtcPeerConnection create(PeerConnectionFactory factory, RTCConfiguration config,
                                       RtcPeerConnectionObserver observer, Consumer<WebRtcPeerConnection> onClose) {
        WebRtcPeerConnection c = new WebRtcPeerConnection(observer, onClose);
        RTCPeerConnection pc = factory.createPeerConnection(config, c.new NativeObserver());
        if (pc == null) {
            throw new IllegalStateException("webrtc-java could not create a peer connection");
        }
        c.pc = pc;
        return c;
    }

    // --- negotiation: asynchronous in webrtc-java too --------------------------------------------

    @Override
    public CompletionStage<SessionDescription> createOffer(OfferOptions options) {
        RTCOfferOptions o = new RTCOfferOptions();
        o.iceRestart = options.iceRestart();
        return describe(obs -> pc.createOffer(o, obs));
    }

    @Override
    public CompletionStage<SessionDescription> createAnswer() {
        return describe(obs -> pc.createAnswer(new RTCAnswerOptions(), obs));
    }

    @Override
    public CompletionStage<Void> setLocalDescription(SessionDescription description) {
        RTCSessionDescription d = Natives.description(description);
        return apply(obs -> pc.setLocalDescription(d, obs));
    }

    @Override
    public CompletionStage<Void> setRemoteDescription(SessionDescription description) {
        RTCSessionDescription d = Natives.description(description);
        return apply(obs -> pc.setRemoteDescription(d, obs));
    }

    /**
     * webrtc-java's {@code addIceCandidate} is synchronous and does not report whether libwebrtc
     * accepted the candidate (it calls the deprecated boolean overload and drops the result), so
     * only a thrown error fails the stage. End-of-candidates ({@code null} or an empty candidate
     * line) has no call in webrtc-java and completes at once.
     */
    @Override
    public CompletionStage<Void> addIceCandidate(IceCandidate candidate) {
        if (candidate == null || candidate.candidate().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        RTCIceCandidate c = Natives.candidate(candidate);
        try {
            run(() -> pc.addIceCandidate(c));
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<SessionDescription> describe(Consumer<CreateSessionDescriptionObserver> call) {
        CompletableFuture<SessionDescription> f = track(new CompletableFuture<>());
        start(f, () -> call.accept(new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription description) {
                f.complete(Natives.description(description));
            }

            @Override
            public void onFailure(String error) {
                f.completeExceptionally(new WebRtcException(error));
            }
        }));
        return f;
    }

    private CompletionStage<Void> apply(Consumer<SetSessionDescriptionObserver> call) {
        CompletableFuture<Void> f = track(new CompletableFuture<>());
        start(f, () -> call.accept(new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                f.complete(null);
            }

            @Override
            public void onFailure(String error) {
                f.completeExceptionally(new WebRtcException(error));
            }
        }));
        return f;
    }

    private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
        pending.add(f);
        f.whenComplete((v, e) -> pending.remove(f));
        return f;
    }

    private void start(CompletableFuture<?> f, Runnable call) {
        try {
            run(call);
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
    }

    // --- state ------------------------------------------------------------------------------------

    @Override
    public SessionDescription localDescription() {
        return read(() -> Natives.description(pc.getLocalDescription()), null);
    }

    @Override
    public SessionDescription remoteDescription() {
        return read(() -> Natives.description(pc.getRemoteDescription()), null);
    }

    @Override
    public SignalingState signalingState() {
        return read(() -> Natives.signaling(pc.getSignalingState()), SignalingState.CLOSED);
    }

    @Override
    public IceConnectionState iceConnectionState() {
        return read(() -> Natives.ice(pc.getIceConnectionState()), IceConnectionState.CLOSED);
    }

    @Override
    public PeerConnectionState connectionState() {
        return read(() -> Natives.connection(pc.getConnectionState()), PeerConnectionState.CLOSED);
    }

    // --- media and data ---------------------------------------------------------------------------

    @Override
    public RtpSender addTrack(MediaTrack track, List<String> streamIds) {
        MediaStreamTrack n = WebRtcMediaTrack.nativeOf(track);
        List<String> ids = new ArrayList<>(streamIds);
        RTCRtpSender s = read(() -> pc.addTrack(n, ids), null);
        if (s == null) {
            throw new IllegalStateException("peer connection closed");
        }
        WebRtcRtpSender sender = new WebRtcRtpSender(s, this);
        senders.add(sender);
        return sender;
    }

    @Override
    public void removeTrack(RtpSender sender) {
        if (!(sender instanceof WebRtcRtpSender w)) {
            throw new IllegalArgumentException("not a sender of this binding: " + sender);
        }
        run(() -> pc.removeTrack(w.nativeSender()));
    }

    @Override
    public List<RtpSender> senders() {
        return List.copyOf(senders);
    }

    @Override
    public RtcDataChannel createDataChannel(String label, DataChannelInit init) {
        var n = Natives.dataChannelInit(init);
        RTCDataChannel ch = read(() -> pc.createDataChannel(label, n), null);
        if (ch == null) {
            throw new IllegalStateException("peer connection closed");
        }
        return WebRtcDataChannel.local(ch);
    }

    @Override
    public void restartIce() {
        run(() -> pc.restartIce());
    }

    @Override
    public void close() {
        rw.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pc.close();
        } finally {
            rw.writeLock().unlock();
        }
        WebRtcException gone = new WebRtcException("peer connection closed");
        for (CompletableFuture<?> f : List.copyOf(pending)) {
            f.completeExceptionally(gone);
        }
        onClose.accept(this);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(pc) && !closed ? Optional.of(type.cast(pc)) : RtcPeerConnection.super.unwrap(type);
    }

    @Override
    public String toString() {
        return "WebRtcPeerConnection[" + connectionState() + "]";
    }

    /** Runs a native call unless closed ({@code ifClosed} then). */
    <T> T read(Supplier<T> call, T ifClosed) {
        rw.readLock().lock();
        try {
            return closed ? ifClosed : call.get();
        } finally {
            rw.readLock().unlock();
        }
    }

    /** Runs a native call; throws {@link IllegalStateException} when closed. */
    void run(Runnable call) {
        rw.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("peer connection closed");
            }
            call.run();
        } finally {
            rw.readLock().unlock();
        }
    }

    private final class NativeObserver implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            observer.onIceCandidate(Natives.candidate(candidate));
        }

        @Override
        public void onIceCandidateError(RTCPeerConnectionIceErrorEvent event) {
            observer.onIceServerError(event.getUrl(), event.getErrorCode(), event.getErrorText());
        }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState state) {
            if (state == RTCIceGatheringState.COMPLETE) {
                observer.onIceCandidate(null);
            }
        }

        @Override
        public void onRenegotiationNeeded() {
            observer.onNegotiationNeeded();
        }

        @Override
        public void onSignalingChange(RTCSignalingState state) {
            observer.onSignalingChange(Natives.signaling(state));
        }

        @Override
        public void onIceConnectionChange(RTCIceConnectionState state) {
            observer.onIceConnectionChange(Natives.ice(state));
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            observer.onConnectionChange(Natives.connection(state));
        }

        @Override
        public void onAddTrack(RTCRtpReceiver receiver, dev.onvoid.webrtc.media.MediaStream[] ignored) {
            MediaStreamTrack t = receiver.getTrack();
            if (t == null) {
                return;
            }
            WebRtcMediaTrack track = new WebRtcMediaTrack(t);
            // On the signalling thread, inside setRemoteDescription: the handle cannot be freed
            // under us (close() needs this thread), and taking the lock here could deadlock.
            RTCSessionDescription remote = pc.getRemoteDescription();
            List<MediaStream> list = new ArrayList<>();
            for (String id : Sdp.streamIdsOf(remote == null ? "" : remote.sdp, track.id())) {
                WebRtcMediaStream stream = remoteStreams.computeIfAbsent(id, WebRtcMediaStream::new);
                stream.add(track);
                list.add(stream);
            }
            observer.onTrack(track, list);
        }

        @Override
        public void onRemoveTrack(RTCRtpReceiver receiver) {
            MediaStreamTrack t = receiver.getTrack();
            if (t != null) {
                WebRtcMediaTrack track = new WebRtcMediaTrack(t);
                remoteStreams.values().forEach(s -> s.remove(track));
                observer.onRemoveTrack(track);
            }
        }

        @Override
        public void onDataChannel(RTCDataChannel channel) {
            observer.onDataChannel(WebRtcDataChannel.remote(channel));
        }
    }
}
