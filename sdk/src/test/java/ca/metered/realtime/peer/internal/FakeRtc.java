package ca.metered.realtime.peer.internal;

import ca.metered.realtime.peer.rtc.DataChannelInit;
import ca.metered.realtime.peer.rtc.DataChannelState;
import ca.metered.realtime.peer.rtc.IceCandidate;
import ca.metered.realtime.peer.rtc.IceConnectionState;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.OfferOptions;
import ca.metered.realtime.peer.rtc.PeerConnectionState;
import ca.metered.realtime.peer.rtc.RtcConfiguration;
import ca.metered.realtime.peer.rtc.RtcDataChannel;
import ca.metered.realtime.peer.rtc.RtcDataChannelObserver;
import ca.metered.realtime.peer.rtc.RtcPeerConnection;
import ca.metered.realtime.peer.rtc.RtcPeerConnectionFactory;
import ca.metered.realtime.peer.rtc.RtcPeerConnectionObserver;
import ca.metered.realtime.peer.rtc.RtpSender;
import ca.metered.realtime.peer.rtc.SdpType;
import ca.metered.realtime.peer.rtc.SessionDescription;
import ca.metered.realtime.peer.rtc.SignalingState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A fake WebRTC stack that behaves like libwebrtc as far as the SDK can tell: a real signalling
 * state machine with no implicit rollback, negotiation-needed only when stable, candidates
 * rejected before a remote description. Stages complete synchronously unless held.
 */
final class FakeRtc implements RtcPeerConnectionFactory {
    final List<FakePc> created = new ArrayList<>();
    boolean failCreate;

    @Override
    public RtcPeerConnection create(RtcConfiguration configuration, RtcPeerConnectionObserver observer) {
        if (failCreate) {
            throw new IllegalStateException("no native stack");
        }
        FakePc pc = new FakePc(configuration, observer, created.size());
        created.add(pc);
        return pc;
    }

    FakePc last() {
        return created.get(created.size() - 1);
    }

    static final class Track implements MediaTrack {
        final String id;
        final Kind kind;
        boolean enabled = true;
        boolean ended;

        Track(String id, Kind kind) {
            this.id = id;
            this.kind = kind;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public boolean enabled() {
            return enabled;
        }

        @Override
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public boolean ended() {
            return ended;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    static final class Sender implements RtpSender {
        MediaTrack track;
        boolean failReplace;

        Sender(MediaTrack track) {
            this.track = track;
        }

        @Override
        public MediaTrack track() {
            return track;
        }

        @Override
        public CompletionStage<Void> replaceTrack(MediaTrack t) {
            if (failReplace) {
                return CompletableFuture.failedFuture(new IllegalStateException("codec mismatch"));
            }
            track = t;
            return CompletableFuture.completedFuture(null);
        }
    }

    static final class FakePc implements RtcPeerConnection {
        final RtcConfiguration configuration;
        final RtcPeerConnectionObserver observer;
        final int index;
        final List<String> ops = new ArrayList<>();
        final List<Sender> senders = new ArrayList<>();
        final List<Dc> channels = new ArrayList<>();
        SignalingState signaling = SignalingState.STABLE;
        IceConnectionState ice = IceConnectionState.NEW;
        PeerConnectionState connection = PeerConnectionState.NEW;
        SessionDescription local;
        SessionDescription remote;
        boolean negotiationPending;
        boolean closed;
        int offers;
        CompletableFuture<Void> heldRemote; // when non-null, setRemoteDescription waits for it
        boolean holdNextRemote;
        boolean failNextAddIce;
        String failNextRemote; // when set, the next setRemoteDescription fails with this message

        FakePc(RtcConfiguration configuration, RtcPeerConnectionObserver observer, int index) {
            this.configuration = configuration;
            this.observer = observer;
            this.index = index;
        }

        @Override
        public CompletionStage<SessionDescription> createOffer(OfferOptions options) {
            ops.add(options.iceRestart() ? "createOffer(iceRestart)" : "createOffer");
            offers++;
            return CompletableFuture.completedFuture(new SessionDescription(SdpType.OFFER,
                    "v=0 offer" + index + "." + offers + (options.iceRestart() ? " restart" : "")));
        }

        @Override
        public CompletionStage<SessionDescription> createAnswer() {
            ops.add("createAnswer");
            if (signaling != SignalingState.HAVE_REMOTE_OFFER) {
                return CompletableFuture.failedFuture(new IllegalStateException("createAnswer in " + signaling));
            }
            return CompletableFuture.completedFuture(new SessionDescription(SdpType.ANSWER, "v=0 answer" + index));
        }

        @Override
        public CompletionStage<Void> setLocalDescription(SessionDescription d) {
            ops.add("setLocal:" + d.type().wireName());
            switch (d.type()) {
                case OFFER -> {
                    if (signaling != SignalingState.STABLE && signaling != SignalingState.HAVE_LOCAL_OFFER) {
                        return fail("setLocal(offer) in " + signaling);
                    }
                    local = d;
                    signaling(SignalingState.HAVE_LOCAL_OFFER);
                }
                case ANSWER -> {
                    if (signaling != SignalingState.HAVE_REMOTE_OFFER) {
                        return fail("setLocal(answer) in " + signaling);
                    }
                    local = d;
                    signaling(SignalingState.STABLE);
                }
                case ROLLBACK -> {
                    if (signaling != SignalingState.HAVE_LOCAL_OFFER) {
                        return fail("rollback in " + signaling);
                    }
                    local = null;
                    signaling(SignalingState.STABLE);
                }
                default -> {
                    return fail("unsupported");
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> setRemoteDescription(SessionDescription d) {
            ops.add("setRemote:" + d.type().wireName());
            if (failNextRemote != null) {
                String msg = failNextRemote;
                failNextRemote = null;
                return fail(msg);
            }
            if (holdNextRemote) {
                holdNextRemote = false;
                heldRemote = new CompletableFuture<>();
                return heldRemote.thenCompose(v -> applyRemote(d));
            }
            return applyRemote(d);
        }

        private CompletionStage<Void> applyRemote(SessionDescription d) {
            if (d.type() == SdpType.OFFER) {
                if (signaling != SignalingState.STABLE) { // libwebrtc via webrtc-java: no implicit rollback
                    return fail("setRemote(offer) in " + signaling);
                }
                remote = d;
                signaling(SignalingState.HAVE_REMOTE_OFFER);
            } else {
                if (signaling != SignalingState.HAVE_LOCAL_OFFER) {
                    return fail("setRemote(answer) in " + signaling);
                }
                remote = d;
                signaling(SignalingState.STABLE);
            }
            return CompletableFuture.completedFuture(null);
        }

        private static CompletionStage<Void> fail(String msg) {
            return CompletableFuture.failedFuture(new IllegalStateException(msg));
        }

        @Override
        public CompletionStage<Void> addIceCandidate(IceCandidate candidate) {
            ops.add("addIce:" + (candidate == null ? "end" : candidate.candidate()));
            if (failNextAddIce) {
                failNextAddIce = false;
                return fail("bad candidate");
            }
            if (remote == null) {
                return fail("addIceCandidate before remote description");
            }
            return CompletableFuture.completedFuture(null);
        }

        private void signaling(SignalingState s) {
            signaling = s;
            observer.onSignalingChange(s);
            if (s == SignalingState.STABLE && negotiationPending) {
                negotiationPending = false;
                observer.onNegotiationNeeded();
            }
        }

        private void needNegotiation() {
            if (signaling == SignalingState.STABLE) {
                observer.onNegotiationNeeded();
            } else {
                negotiationPending = true;
            }
        }

        @Override
        public SessionDescription localDescription() {
            return local;
        }

        @Override
        public SessionDescription remoteDescription() {
            return remote;
        }

        @Override
        public SignalingState signalingState() {
            return signaling;
        }

        @Override
        public IceConnectionState iceConnectionState() {
            return ice;
        }

        @Override
        public PeerConnectionState connectionState() {
            return connection;
        }

        @Override
        public RtpSender addTrack(MediaTrack track, List<String> streamIds) {
            ops.add("addTrack:" + track.id() + streamIds);
            for (Sender s : senders) {
                if (s.track != null && s.track.id().equals(track.id())) {
                    throw new IllegalStateException("track already added");
                }
            }
            Sender s = new Sender(track);
            senders.add(s);
            needNegotiation();
            return s;
        }

        @Override
        public void removeTrack(RtpSender sender) {
            ops.add("removeTrack:" + sender.track().id());
            ((Sender) sender).track = null;
            needNegotiation();
        }

        @Override
        public List<RtpSender> senders() {
            return List.copyOf(senders);
        }

        @Override
        public RtcDataChannel createDataChannel(String label, DataChannelInit init) {
            ops.add("createDataChannel:" + label);
            Dc dc = new Dc(label);
            channels.add(dc);
            if (channels.size() == 1) {
                needNegotiation();
            }
            return dc;
        }

        @Override
        public void restartIce() {
            ops.add("restartIce");
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                ops.add("close");
                signaling = SignalingState.CLOSED;
                connection = PeerConnectionState.CLOSED;
                observer.onConnectionChange(PeerConnectionState.CLOSED);
            }
        }

        void iceState(IceConnectionState s) {
            ice = s;
            observer.onIceConnectionChange(s);
        }

        void connectionState(PeerConnectionState s) {
            connection = s;
            observer.onConnectionChange(s);
        }

        long count(String op) {
            return ops.stream().filter(op::equals).count();
        }
    }

    static final class Dc implements RtcDataChannel {
        final String label;
        DataChannelState state = DataChannelState.CONNECTING;
        long buffered;
        RtcDataChannelObserver observer;
        final List<String> sent = new ArrayList<>();

        Dc(String label) {
            this.label = label;
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public DataChannelState state() {
            return state;
        }

        @Override
        public long bufferedAmount() {
            return buffered;
        }

        @Override
        public void send(ByteBuffer data, boolean binary) {
            if (state != DataChannelState.OPEN) {
                throw new IllegalStateException("not open");
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            sent.add((binary ? "bin:" : "txt:") + new String(b, java.nio.charset.StandardCharsets.UTF_8));
            buffered += b.length;
        }

        @Override
        public void setObserver(RtcDataChannelObserver observer) {
            this.observer = observer;
        }

        @Override
        public void close() {
            state = DataChannelState.CLOSED;
        }

        void open() {
            state = DataChannelState.OPEN;
            observer.onStateChange(DataChannelState.OPEN);
        }

        void drain(long to) {
            long prev = buffered;
            buffered = to;
            observer.onBufferedAmountChange(prev);
        }
    }

    static MediaStream stream(String id, MediaTrack... tracks) {
        return MediaStream.of(id, List.of(tracks));
    }
}
