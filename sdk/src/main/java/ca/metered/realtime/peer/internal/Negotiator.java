package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.internal.LoopTimers;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.peer.PeerErrorCodes;
import ca.metered.realtime.peer.RemotePeerState;
import ca.metered.realtime.peer.rtc.DataChannelInit;
import ca.metered.realtime.peer.rtc.IceCandidate;
import ca.metered.realtime.peer.rtc.IceConnectionState;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.OfferOptions;
import ca.metered.realtime.peer.rtc.PeerConnectionState;
import ca.metered.realtime.peer.rtc.RtcConfiguration;
import ca.metered.realtime.peer.rtc.RtcDataChannel;
import ca.metered.realtime.peer.rtc.RtcPeerConnection;
import ca.metered.realtime.peer.rtc.RtcPeerConnectionFactory;
import ca.metered.realtime.peer.rtc.RtcPeerConnectionObserver;
import ca.metered.realtime.peer.rtc.SdpType;
import ca.metered.realtime.peer.rtc.SessionDescription;
import ca.metered.realtime.peer.rtc.SignalingState;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One peer connection driven by perfect negotiation (docs/sdk-behaviour.md 3) with the ICE-restart ladder (docs/sdk-behaviour.md
 * 4); the JS SDK's internal {@code PeerConnection}. Loop-confined: observer callbacks hop onto
 * the loop, and every negotiation operation runs through a per-connection queue so that at most
 * one is outstanding (the Java binding does not queue; early candidates thus never race the
 * description they belong to).
 */
final class Negotiator {
    static final int MAX_ICE_CANDIDATES_PER_GENERATION = 200;
    static final int MAX_ICE_CANDIDATE_STRING = 1_000;
    static final long ICE_RESTART_BASE_DELAY_MS = 1_000;
    static final long ICE_RESTART_MAX_DELAY_MS = 30_000;
    static final int ICE_RESTART_MAX_ATTEMPTS = 9;
    static final long ICE_RESTART_ANSWER_TIMEOUT_MS = 15_000;

    /** Where the negotiator reports; RemotePeer. Called on the loop. */
    interface Sink {
        void stateChanged(Negotiator source, RemotePeerState from, RemotePeerState to);

        void negotiationError(Negotiator source, RealtimeException error);

        void iceCandidateError(Negotiator source, RealtimeException error);

        void track(Negotiator source, MediaTrack track, List<MediaStream> streams);

        void removeTrack(Negotiator source, MediaTrack track);

        void dataChannel(Negotiator source, RtcDataChannel channel);
    }

    /** Sends a direct message to the remote peer; the JS {@code signallingSender}. */
    interface SignalSender {
        CompletableFuture<Void> send(String toPeerId, ObjectNode payload);
    }

    final String remotePeerId;
    final boolean polite;
    private final RtcPeerConnection pc;
    private final Executor loop;
    private final LoopTimers timers;
    private final SignalSender sender;
    private final Logger logger;
    private Sink sink;

    private RemotePeerState state = RemotePeerState.IDLE;
    private boolean closed;
    private boolean isMakingOffer;
    private boolean isSettingRemoteAnswerPending;
    private boolean ignoreOffer;
    private boolean iceRestartInFlight;
    private int iceRestartAttempt;
    private LoopTimers.Timer iceRestartTimer;
    private LoopTimers.Timer answerTimer;
    private boolean iceRestartGaveUp;
    private int candidatesThisGeneration;
    private boolean candidateCapWarned;
    private int remoteDescriptionGeneration;
    private final ArrayDeque<Supplier<CompletionStage<?>>> ops = new ArrayDeque<>();
    private boolean opRunning;

    Negotiator(RtcPeerConnectionFactory factory, RtcConfiguration configuration,
               String remotePeerId, boolean polite, Executor loop, LoopTimers timers, SignalSender sender, Logger logger,
               Sink sink) {
        this.remotePeerId = remotePeerId;
        this.polite = polite;
        this.loop = loop;
        this.timers = timers;
        this.sender = sender;
        this.logger = logger;
        this.sink = sink;
        this.pc = factory.create(configuration, new Observer());
    }

    RtcPeerConnection pc() {
        return pc;
    }

    RemotePeerState state() {
        return state;
    }

    /** Stops reporting (before a swap or close, so the old connection's teardown stays silent). */
    void detach() {
        sink = null;
    }

    // ---------------------------------------------------------------- operation queue

    private void enqueue(Supplier<CompletionStage<?>> op) {
        ops.add(op);
        if (!opRunning) {
            runNext();
        }
    }

    private void runNext() {
        Supplier<CompletionStage<?>> op = ops.poll();
        if (op == null || closed) {
            opRunning = false;
            if (closed) {
                ops.clear();
            }
            return;
        }
        opRunning = true;
        CompletionStage<?> st;
        try {
            st = op.get();
        } catch (RuntimeException e) {
            st = CompletableFuture.failedFuture(e);
        }
        st.whenComplete((v, e) -> loop.execute(this::runNext));
    }

    /** {@code call}'s stage, completed on the loop; a synchronous throw becomes a failed stage. */
    private <T> CompletableFuture<T> onLoop(Supplier<CompletionStage<T>> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        CompletionStage<T> st;
        try {
            st = call.get();
        } catch (RuntimeException e) {
            st = CompletableFuture.failedFuture(e);
        }
        st.whenComplete((v, e) -> loop.execute(() -> {
            if (e != null) {
                f.completeExceptionally(unwrap(e));
            } else {
                f.complete(v);
            }
        }));
        return f;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** Thrown inside a chain to stop it quietly (connection closed, offer abandoned). */
    private static final class Abandon extends RuntimeException {
        Abandon() {
            super(null, null, false, false);
        }
    }

    // ---------------------------------------------------------------- offers

    private void onNegotiationNeeded() {
        enqueue(() -> makeOffer(false));
    }

    private CompletionStage<?> makeOffer(boolean iceRestart) {
        if (iceRestart && isMakingOffer) {
            iceRestartInFlight = false;
            return CompletableFuture.completedFuture(null);
        }
        if (!iceRestart && pc.signalingState() != SignalingState.STABLE) {
            // libwebrtc re-fires negotiation-needed once stable again; offering now would fail.
            return CompletableFuture.completedFuture(null);
        }
        isMakingOffer = true;
        int generation = remoteDescriptionGeneration;
        return onLoop(() -> pc.createOffer(iceRestart ? OfferOptions.ICE_RESTART : OfferOptions.DEFAULT))
                .thenCompose(offer -> {
                    if (closed) {
                        throw new Abandon();
                    }
                    if (remoteDescriptionGeneration != generation
                            || pc.signalingState() == SignalingState.HAVE_REMOTE_OFFER) {
                        if (iceRestart) {
                            iceRestartInFlight = false;
                        }
                        throw new Abandon();
                    }
                    return onLoop(() -> pc.setLocalDescription(offer));
                })
                .thenAccept(v -> {
                    if (closed) {
                        throw new Abandon();
                    }
                    if (iceRestart) {
                        candidatesThisGeneration = 0;
                        candidateCapWarned = false;
                    }
                    sendLocalDescription();
                    if (iceRestart) {
                        armAnswerTimer();
                    }
                })
                .handle((v, e) -> {
                    isMakingOffer = false;
                    if (e != null && !(unwrap(e) instanceof Abandon) && !closed) {
                        if (iceRestart) {
                            iceRestartInFlight = false;
                        }
                        report(unwrap(e));
                    }
                    reenterLadderIfStillFailed();
                    return null;
                });
    }

    private void sendLocalDescription() {
        SessionDescription local = pc.localDescription();
        if (local == null) {
            throw new IllegalStateException("setLocalDescription succeeded but localDescription is null");
        }
        sender.send(remotePeerId, Signals.description(local)).whenComplete((v, e) -> {
            if (e != null) { // 1.1.0: delivery failures are logged, not emitted
                warn("failed to send local description", Map.of("peer", remotePeerId,
                        "descriptionType", local.type().wireName(), "err", scrub(String.valueOf(unwrap(e).getMessage()))));
            }
        });
    }

    // ---------------------------------------------------------------- inbound signals

    void handleDescription(SessionDescription description) {
        if (closed) {
            return;
        }
        enqueue(() -> applyDescription(description));
    }

    private CompletionStage<?> applyDescription(SessionDescription description) {
        boolean offer = description.type() == SdpType.OFFER;
        SignalingState signaling = pc.signalingState();
        boolean offerCollision = offer
                && (isMakingOffer || (signaling != SignalingState.STABLE && !isSettingRemoteAnswerPending));
        ignoreOffer = !polite && offerCollision;
        if (ignoreOffer) {
            debug("ignoring offer due to collision (impolite peer)", Map.of("peer", remotePeerId));
            return CompletableFuture.completedFuture(null);
        }
        isSettingRemoteAnswerPending = !offer;
        // webrtc-java has no implicit rollback: the polite side abandons its own offer explicitly.
        CompletableFuture<Void> start = offer && signaling == SignalingState.HAVE_LOCAL_OFFER
                ? onLoop(() -> pc.setLocalDescription(SessionDescription.rollback()))
                : CompletableFuture.completedFuture(null);
        return start.thenCompose(v -> onLoop(() -> pc.setRemoteDescription(description)))
                .handle(settled((v, e) -> {
                    isSettingRemoteAnswerPending = false;
                    return null;
                }))
                .thenCompose(v -> {
                    if (closed) {
                        throw new Abandon();
                    }
                    candidatesThisGeneration = 0;
                    candidateCapWarned = false;
                    remoteDescriptionGeneration++;
                    LoopTimers.cancel(answerTimer);
                    answerTimer = null;
                    if (!offer) {
                        return CompletableFuture.completedFuture((Void) null);
                    }
                    return onLoop(pc::createAnswer)
                            .thenCompose(answer -> {
                                if (closed) {
                                    throw new Abandon();
                                }
                                return onLoop(() -> pc.setLocalDescription(answer));
                            })
                            .thenAccept(x -> {
                                if (closed) {
                                    throw new Abandon();
                                }
                                sendLocalDescription();
                            });
                })
                .handle((v, e) -> {
                    if (e != null && !(unwrap(e) instanceof Abandon) && !closed) {
                        report(unwrap(e));
                    }
                    return null;
                });
    }

    /** Runs {@code finallyBlock} and re-raises the original outcome. */
    private static <T> BiFunction<T, Throwable, T> settled(BiFunction<T, Throwable, Void> finallyBlock) {
        return (v, e) -> {
            finallyBlock.apply(v, e);
            if (e != null) {
                throw e instanceof CompletionException ce ? ce : new CompletionException(e);
            }
            return v;
        };
    }

    void handleIce(IceCandidate candidate) {
        if (closed) {
            return;
        }
        enqueue(() -> applyIce(candidate));
    }

    private CompletionStage<?> applyIce(IceCandidate candidate) {
        if (candidate != null) {
            if (candidate.candidate().length() > MAX_ICE_CANDIDATE_STRING) {
                warn("dropping oversized inbound ICE candidate", Map.of("peer", remotePeerId,
                        "size", candidate.candidate().length(), "cap", MAX_ICE_CANDIDATE_STRING));
                return CompletableFuture.completedFuture(null);
            }
            if (candidatesThisGeneration >= MAX_ICE_CANDIDATES_PER_GENERATION) {
                if (!candidateCapWarned) {
                    candidateCapWarned = true;
                    warn("inbound ICE candidate cap reached", Map.of("peer", remotePeerId,
                            "cap", MAX_ICE_CANDIDATES_PER_GENERATION));
                }
                return CompletableFuture.completedFuture(null);
            }
            candidatesThisGeneration++;
        }
        return onLoop(() -> pc.addIceCandidate(candidate)).handle((v, e) -> {
            if (e != null && !closed && !ignoreOffer && sink != null) {
                sink.iceCandidateError(this, new RealtimeException(PeerErrorCodes.ICE_CANDIDATE_FAILED,
                        scrub(describe(unwrap(e))), null));
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- ICE-restart ladder

    private void onIceConnectionChange(IceConnectionState ice) {
        if (closed) {
            return;
        }
        if (ice != IceConnectionState.FAILED) {
            iceRestartInFlight = false;
            return;
        }
        if (iceRestartInFlight || isMakingOffer) {
            return;
        }
        if (iceRestartTimer != null) {
            return;
        }
        scheduleNextRestartAttempt();
    }

    private void scheduleNextRestartAttempt() {
        if (iceRestartAttempt >= ICE_RESTART_MAX_ATTEMPTS) {
            if (!iceRestartGaveUp) {
                iceRestartGaveUp = true;
                if (sink != null) {
                    sink.negotiationError(this, new RealtimeException(PeerErrorCodes.ICE_RESTART_EXHAUSTED,
                            "ICE restart gave up after " + iceRestartAttempt + " attempts"));
                }
            }
            return;
        }
        int attempt = iceRestartAttempt;
        iceRestartAttempt++;
        iceRestartInFlight = true;
        if (attempt == 0) {
            triggerIceRestart();
            return;
        }
        long delayMs = restartDelayMs(attempt + 1);
        int generationAtSchedule = remoteDescriptionGeneration;
        iceRestartTimer = timers.schedule(delayMs, () -> {
            iceRestartTimer = null;
            if (closed) {
                return;
            }
            IceConnectionState ice = pc.iceConnectionState();
            if (ice == IceConnectionState.CONNECTED || ice == IceConnectionState.COMPLETED
                    || remoteDescriptionGeneration != generationAtSchedule) {
                iceRestartInFlight = false;
                return;
            }
            triggerIceRestart();
        });
    }

    /** Delay before 1-based attempt {@code n}: 0, then {@code min(1 s · 2^(n-2), 30 s)}. */
    static long restartDelayMs(int n) {
        if (n <= 1) {
            return 0;
        }
        return Math.min(ICE_RESTART_BASE_DELAY_MS << Math.min(n - 2, 20), ICE_RESTART_MAX_DELAY_MS);
    }

    private void triggerIceRestart() {
        enqueue(() -> makeOffer(true));
    }

    private void armAnswerTimer() {
        LoopTimers.cancel(answerTimer);
        int generationAtSend = remoteDescriptionGeneration;
        answerTimer = timers.schedule(ICE_RESTART_ANSWER_TIMEOUT_MS, () -> {
            answerTimer = null;
            if (closed) {
                return;
            }
            IceConnectionState ice = pc.iceConnectionState();
            if (ice == IceConnectionState.CONNECTED || ice == IceConnectionState.COMPLETED
                    || remoteDescriptionGeneration != generationAtSend) {
                return;
            }
            if (isMakingOffer) {
                armAnswerTimer();
                return;
            }
            debug("ICE-restart answer timeout - advancing the ladder", Map.of("peer", remotePeerId));
            iceRestartInFlight = false;
            scheduleNextRestartAttempt();
        });
    }

    private void reenterLadderIfStillFailed() {
        timers.schedule(0, () -> {
            if (!closed && pc.iceConnectionState() == IceConnectionState.FAILED) {
                onIceConnectionChange(IceConnectionState.FAILED);
            }
        });
    }

    // ---------------------------------------------------------------- state

    private void onConnectionChange(PeerConnectionState cs) {
        if (closed) {
            return;
        }
        RemotePeerState next = switch (cs) {
            case NEW, CONNECTING -> RemotePeerState.CONNECTING;
            case CONNECTED -> {
                iceRestartAttempt = 0;
                iceRestartGaveUp = false;
                LoopTimers.cancel(answerTimer);
                answerTimer = null;
                yield RemotePeerState.CONNECTED;
            }
            case DISCONNECTED, FAILED -> RemotePeerState.RECONNECTING;
            case CLOSED -> RemotePeerState.CLOSED;
        };
        setState(next);
    }

    private void setState(RemotePeerState next) {
        if (next == state) {
            return;
        }
        RemotePeerState from = state;
        state = next;
        if (sink != null) {
            sink.stateChanged(this, from, next);
        }
    }

    RtcDataChannel createDataChannel(String label, DataChannelInit init) {
        if (closed) {
            throw new IllegalStateException("peer connection is closed");
        }
        return pc.createDataChannel(label, init);
    }

    /** Closes the connection; idempotent. Reports {@code CLOSED} unless detached. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        LoopTimers.cancel(iceRestartTimer);
        iceRestartTimer = null;
        LoopTimers.cancel(answerTimer);
        answerTimer = null;
        ops.clear();
        try {
            pc.close();
        } catch (RuntimeException e) {
            warn("RTCPeerConnection.close threw", Map.of("peer", remotePeerId, "err", scrub(describe(e))));
        }
        setState(RemotePeerState.CLOSED);
        sink = null;
    }

    private void report(Throwable e) {
        if (sink != null) {
            sink.negotiationError(this, e instanceof RealtimeException re ? re
                    : new RealtimeException(PeerErrorCodes.NEGOTIATION_FAILED, scrub(describe(e)), null));
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static final Pattern SDP_SECRETS = Pattern.compile("(a=ice-pwd:|a=ice-ufrag:|\"?credential\"?\\s*[:=]\\s*\"?)[^\\s\",}]+");

    /** Strips {@code ice-pwd}, {@code ice-ufrag} and {@code credential} values (JS {@code scrubSdpCredentials}). */
    static String scrub(String text) {
        return text == null ? null : SDP_SECRETS.matcher(text).replaceAll("$1***");
    }

    private void warn(String msg, Map<String, Object> ctx) {
        try {
            logger.warn(msg, ctx);
        } catch (RuntimeException ignored) {
            // loggers must not throw
        }
    }

    private void debug(String msg, Map<String, Object> ctx) {
        try {
            logger.debug(msg, ctx);
        } catch (RuntimeException ignored) {
            // loggers must not throw
        }
    }

    /** Hops every native callback onto the loop (threading contract of the port). */
    private final class Observer implements RtcPeerConnectionObserver {
        @Override
        public void onIceCandidate(IceCandidate candidate) {
            loop.execute(() -> {
                if (closed) {
                    return;
                }
                sender.send(remotePeerId, Signals.ice(candidate)).whenComplete((v, e) -> {
                    if (e != null) {
                        warn("failed to send local ICE candidate", Map.of("peer", remotePeerId,
                                "err", String.valueOf(unwrap(e).getMessage())));
                    }
                });
            });
        }

        @Override
        public void onNegotiationNeeded() {
            loop.execute(() -> {
                if (!closed) {
                    Negotiator.this.onNegotiationNeeded();
                }
            });
        }

        @Override
        public void onSignalingChange(SignalingState s) {
            // State is read from the connection where it matters; nothing to do.
        }

        @Override
        public void onIceConnectionChange(IceConnectionState s) {
            loop.execute(() -> Negotiator.this.onIceConnectionChange(s));
        }

        @Override
        public void onConnectionChange(PeerConnectionState s) {
            loop.execute(() -> Negotiator.this.onConnectionChange(s));
        }

        @Override
        public void onTrack(MediaTrack track, List<MediaStream> streams) {
            List<MediaStream> copy = List.copyOf(streams);
            loop.execute(() -> {
                if (!closed && sink != null) {
                    sink.track(Negotiator.this, track, copy);
                }
            });
        }

        @Override
        public void onRemoveTrack(MediaTrack track) {
            loop.execute(() -> {
                if (!closed && sink != null) {
                    sink.removeTrack(Negotiator.this, track);
                }
            });
        }

        @Override
        public void onIceServerError(String url, int errorCode, String errorText) {
            // The one visible trace of a TURN server refusing our credentials (401) or being
            // unreachable (701): with a relay-only policy the connection then never forms.
            loop.execute(() -> {
                if (!closed) {
                    warn("ICE server error", Map.of("peer", remotePeerId, "url", String.valueOf(url),
                            "errorCode", errorCode, "errorText", String.valueOf(errorText)));
                }
            });
        }

        @Override
        public void onDataChannel(RtcDataChannel channel) {
            loop.execute(() -> {
                if (!closed && sink != null) {
                    sink.dataChannel(Negotiator.this, channel);
                }
            });
        }
    }
}
