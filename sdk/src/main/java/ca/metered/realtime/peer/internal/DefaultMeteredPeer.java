package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.internal.EventHub;
import ca.metered.realtime.client.internal.LoopTimers;
import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SubscribeOptions;
import ca.metered.realtime.client.internal.ClientRuntime;
import ca.metered.realtime.client.internal.DefaultSignallingClient;
import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.client.internal.SerialExecutor;
import ca.metered.realtime.peer.JoinOptions;
import ca.metered.realtime.peer.MeteredPeer;
import ca.metered.realtime.peer.MeteredPeerOptions;
import ca.metered.realtime.peer.MeteredPeerOversizedException;
import ca.metered.realtime.peer.MeteredPeerReplaceTrackException;
import ca.metered.realtime.peer.MeteredPeerSendException;
import ca.metered.realtime.peer.MeteredPeerStateException;
import ca.metered.realtime.peer.PeerErrorCodes;
import ca.metered.realtime.peer.PeerEvent;
import ca.metered.realtime.peer.PeerState;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.RemotePeerState;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.RtcConfiguration;
import ca.metered.realtime.peer.rtc.RtpSender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The {@link MeteredPeer}: a {@link SignallingClient} plus one {@link Negotiator} per remote peer.
 * All state is confined to one serial loop; client events and port callbacks hop onto it. The
 * tracked-media map is the exception: it is guarded by its own lock so that {@code addTrack} and
 * friends can validate and throw at the call, like the JS SDK's synchronous methods.
 */
public final class DefaultMeteredPeer implements MeteredPeer {
    static final int FALLBACK_MAX_MESSAGE_SIZE = 65_536;
    static final int MAX_PEERS_PER_CHANNEL = 256;
    static final long RECONCILE_DEADLINE_MS = 10_000;
    static final int MAX_RECONCILE_RESUBSCRIBES = 2;
    private static final Pattern RESERVED_CHANNEL = Pattern.compile("^_(metered|internal|system)/",
            Pattern.CASE_INSENSITIVE);
    private static final Set<String> FATAL_SERVER_CODES = Set.of("account_suspended", "channel_not_authorized",
            "action_not_permitted", "invalid_token", "token_expired");

    private final MeteredPeerOptions options;
    private final SignallingClient client;
    private final ClientRuntime runtime;
    private final Logger logger;
    private final SerialExecutor loop;
    private final SerialExecutor callbacks;
    private final LoopTimers timers;
    private final EventHub<PeerEvent> hub;

    private volatile PeerState state = PeerState.IDLE;
    private volatile String localPeerId;
    private volatile String channel;
    private volatile int maxMessageSize = FALLBACK_MAX_MESSAGE_SIZE;
    private volatile List<RemotePeer> peersSnapshot = List.of();

    // Loop-confined.
    private String joinChannel;
    private JoinOptions joinOptions = JoinOptions.DEFAULT;
    private List<IceServer> iceServers = List.of();
    private final LinkedHashMap<String, DefaultRemotePeer> peers = new LinkedHashMap<>();
    private boolean reconcilePending;
    private LoopTimers.Timer reconcileDeadline;
    private int reconcileResubscribes;

    /** Local media: track id → entry, in insertion order. Guarded by itself. */
    private final LinkedHashMap<String, Tracked> media = new LinkedHashMap<>();

    record Tracked(MediaTrack track, MediaStream stream, ObjectNode metadata) {
    }

    public static MeteredPeer create(MeteredPeerOptions options) {
        ClientRuntime rt = ClientRuntime.shared(options.signalling().callbackExecutor().orElse(null));
        return new DefaultMeteredPeer(options, new DefaultSignallingClient(options.signalling(), rt), rt);
    }

    /** Wires a peer to an existing client (tests pass a fake client and a fake runtime). */
    public DefaultMeteredPeer(MeteredPeerOptions options, SignallingClient client, ClientRuntime runtime) {
        this.options = Objects.requireNonNull(options, "options");
        this.client = Objects.requireNonNull(client, "client");
        this.runtime = runtime;
        this.logger = options.signalling().logger();
        this.loop = new SerialExecutor(runtime.loopBase(), t -> log("error", "peer loop task threw", Map.of("err", String.valueOf(t))));
        this.callbacks = new SerialExecutor(runtime.callbackBase(), t -> log("error", "callback threw", Map.of("err", String.valueOf(t))));
        this.timers = new LoopTimers(runtime.scheduler(), loop);
        this.hub = new EventHub<>(callbacks, logger);
        client.on(ClientEvent.class, e -> loop.execute(() -> onClientEvent(e)));
    }

    // ---------------------------------------------------------------- getters

    @Override
    public PeerState state() {
        return state;
    }

    @Override
    public String peerId() {
        return localPeerId;
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public List<RemotePeer> remotePeers() {
        return peersSnapshot;
    }

    @Override
    public <E extends PeerEvent> Registration on(Class<E> type, Consumer<? super E> listener) {
        return hub.on(type, listener, false);
    }

    @Override
    public <E extends PeerEvent> Registration once(Class<E> type, Consumer<? super E> listener) {
        return hub.on(type, listener, true);
    }

    @Override
    public <E extends PeerEvent> EventStream<E> events(Class<E> type, int capacity) {
        return hub.stream(type, capacity);
    }

    @Override
    public String toString() {
        return "MeteredPeer[state=" + state.wireName() + ", peerId=" + localPeerId + ", channel=" + channel + "]";
    }

    // ---------------------------------------------------------------- join / close

    @Override
    public CompletableFuture<Void> join(String channel, JoinOptions joinOpts) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(joinOpts, "options");
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            if (state != PeerState.IDLE) {
                fail(f, new MeteredPeerStateException("invalid_state", "join",
                        "MeteredPeer.join: cannot join in state '" + state.wireName() + "'", state));
                return;
            }
            if (RESERVED_CHANNEL.matcher(channel).find()) {
                fail(f, new MeteredPeerSendException("reserved_channel", "MeteredPeer.join: '" + channel
                        + "' uses a reserved prefix (_metered/, _internal/, _system/)"));
                return;
            }
            setState(PeerState.JOINING);
            joinChannel = channel;
            joinOptions = joinOpts;
            ClientState cs = client.state();
            CompletableFuture<Void> connected = cs == ClientState.IDLE || cs == ClientState.CLOSED
                    ? client.connect() : CompletableFuture.completedFuture(null);
            connected.thenCompose(v -> client.subscribe(channel, new SubscribeOptions(joinOpts.includeSenderMetadata())))
                    .whenComplete((v, e) -> loop.execute(() -> {
                        if (e == null && state == PeerState.JOINING) {
                            this.channel = channel;
                            setState(PeerState.JOINED);
                            if (localPeerId != null) {
                                hub.emit(new PeerEvent.Joined(localPeerId, channel));
                            }
                            complete(f);
                            return;
                        }
                        Throwable err = e != null ? unwrap(e) : new MeteredPeerStateException("invalid_state", "join",
                                "MeteredPeer.join: closed while joining", state);
                        client.unsubscribe(channel).exceptionally(x -> null);
                        if (state == PeerState.JOINING) {
                            joinChannel = null;
                            setState(PeerState.IDLE);
                        }
                        fail(f, err);
                    }));
        });
        return f;
    }

    @Override
    public CompletableFuture<Void> close(String reason) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            PeerState at = state;
            if (at == PeerState.CLOSED || at == PeerState.IDLE || at == PeerState.LEAVING) {
                if (at != PeerState.LEAVING) {
                    setState(PeerState.CLOSED);
                    client.close(1000, "client requested close").whenComplete((v, e) -> complete(f));
                } else {
                    complete(f);
                }
                return;
            }
            setState(PeerState.LEAVING);
            clearReconcileDeadline();
            reconcilePending = false;
            for (String id : new ArrayList<>(peers.keySet())) {
                removePeer(id);
            }
            synchronized (media) {
                media.clear();
            }
            String closedPeerId = localPeerId;
            String closedChannel = channel;
            client.close(1000, reason == null ? "client requested close" : reason)
                    .whenComplete((v, e) -> loop.execute(() -> {
                        channel = null;
                        setState(PeerState.CLOSED);
                        hub.emit(new PeerEvent.Left(closedPeerId, closedChannel, reason));
                        complete(f);
                    }));
        });
        return f;
    }

    @Override
    public void close() {
        try {
            close(null).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // close is best effort; the state is CLOSED either way
        }
    }

    // ---------------------------------------------------------------- send

    @Override
    public CompletableFuture<Void> send(Object data) {
        PeerState s = state;
        String ch = channel;
        if (s != PeerState.JOINED || ch == null) {
            return CompletableFuture.failedFuture(new MeteredPeerSendException("not_joined",
                    "MeteredPeer.send: not joined (state=" + s.wireName() + "); call join() first"));
        }
        if (data == null) {
            return CompletableFuture.failedFuture(new MeteredPeerSendException("invalid_args",
                    "MeteredPeer.send(data): data must not be null (use NullNode for JSON null)"));
        }
        RealtimeException tooBig = checkSize(data);
        if (tooBig != null) {
            return CompletableFuture.failedFuture(tooBig);
        }
        return client.publish(ch, data);
    }

    @Override
    public CompletableFuture<Void> sendTo(String peerId, Object data) {
        PeerState s = state;
        if (s != PeerState.JOINED) {
            return CompletableFuture.failedFuture(new MeteredPeerSendException("not_joined",
                    "MeteredPeer.sendTo: not joined (state=" + s.wireName() + "); call join() first"));
        }
        if (peerId == null || peerId.isEmpty()) {
            return CompletableFuture.failedFuture(new MeteredPeerSendException("invalid_args",
                    "MeteredPeer.sendTo(peerId, data): peerId must be a non-empty string"));
        }
        if (data == null) {
            return CompletableFuture.failedFuture(new MeteredPeerSendException("invalid_args",
                    "MeteredPeer.sendTo(peerId, data): data must not be null (use NullNode for JSON null)"));
        }
        if (peerId.equals(localPeerId)) {
            return CompletableFuture.failedFuture(new MeteredPeerSendException("self_send",
                    "MeteredPeer.sendTo: cannot send to self (peerId equals local peerId)"));
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.valueToTree(data);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (tree.isObject() && tree.has(Signals.TRACK_META_KEY)) {
            log("warn", "MeteredPeer.sendTo: payload uses reserved key '" + Signals.TRACK_META_KEY
                    + "'; the receiver may interpret it as a track-metadata update. Use a different key.",
                    Map.of("toPeerId", peerId));
        }
        if (Signals.looksLikeSignal(tree)) {
            log("warn", "MeteredPeer.sendTo: payload matches the SDK's internal WebRTC signalling shape "
                    + "('rtc-description' / 'rtc-ice'); the recipient SDK will consume it as a connection signal.",
                    Map.of("toPeerId", peerId));
        }
        RealtimeException tooBig = checkSize(tree);
        if (tooBig != null) {
            return CompletableFuture.failedFuture(tooBig);
        }
        return client.send(peerId, data);
    }

    private RealtimeException checkSize(Object data) {
        int size;
        try {
            size = Signals.size(data);
        } catch (RuntimeException e) {
            return null; // let the client report the serialisation problem
        }
        int cap = maxMessageSize;
        return size > cap ? new MeteredPeerOversizedException(size, cap) : null;
    }

    // ---------------------------------------------------------------- local media

    private void checkNotTerminal(String method) {
        PeerState s = state;
        if (s == PeerState.LEAVING || s == PeerState.CLOSED) {
            throw new MeteredPeerStateException("invalid_state", method, "MeteredPeer." + method
                    + ": cannot " + (method.startsWith("add") ? "add" : "remove") + " media in state '"
                    + s.wireName() + "'", s);
        }
    }

    private static ObjectNode toMetadata(Object metadata) {
        if (metadata == null) {
            return null;
        }
        JsonNode n = metadata instanceof JsonNode j ? j.deepCopy() : Json.MAPPER.valueToTree(metadata);
        if (!n.isObject()) {
            throw new IllegalArgumentException("metadata must be a JSON object, got " + n.getNodeType());
        }
        return (ObjectNode) n;
    }

    @Override
    public void addStream(MediaStream stream, Object metadata) {
        Objects.requireNonNull(stream, "stream");
        checkNotTerminal("addStream");
        ObjectNode md = toMetadata(metadata);
        for (MediaTrack t : stream.tracks()) {
            addTrackInternal(t, stream, md == null ? null : md.deepCopy()); // fresh copy per track, like JS
        }
    }

    @Override
    public void addTrack(MediaTrack track, MediaStream stream, Object metadata) {
        Objects.requireNonNull(track, "track");
        checkNotTerminal("addTrack");
        addTrackInternal(track, stream, toMetadata(metadata));
    }

    private void addTrackInternal(MediaTrack track, MediaStream stream, ObjectNode md) {
        Tracked entry = new Tracked(track, stream, md);
        synchronized (media) {
            Tracked existing = media.get(track.id());
            if (existing != null) {
                if (sameStream(existing.stream, stream)) {
                    return; // idempotent: the first call's stream and metadata win
                }
                throw new MeteredPeerStateException("track_already_attached", "addTrack",
                        "MeteredPeer.addTrack: track is already attached to "
                                + (existing.stream == null ? "an orphan slot" : "stream '" + existing.stream.id() + "'")
                                + ". Multi-stream membership is not supported - use distinct tracks per stream, "
                                + "or removeTrack(t) before re-adding.", null);
            }
            if (md != null) {
                int size = Signals.size(Signals.trackMeta(track.id(), md));
                if (size > maxMessageSize) {
                    throw new MeteredPeerOversizedException(size, maxMessageSize);
                }
            }
            media.put(track.id(), entry);
        }
        loop.execute(() -> {
            if (state == PeerState.RECONNECTING || state == PeerState.LEAVING || state == PeerState.CLOSED) {
                return; // applied by the reconcile's swap (or moot)
            }
            for (DefaultRemotePeer p : peers.values()) {
                attach(p, entry);
            }
        });
    }

    private static boolean sameStream(MediaStream a, MediaStream b) {
        return a == null ? b == null : b != null && a.id().equals(b.id());
    }

    @Override
    public void removeStream(MediaStream stream) {
        Objects.requireNonNull(stream, "stream");
        checkNotTerminal("removeStream");
        for (MediaTrack t : stream.tracks()) {
            removeTrackInternal(t);
        }
    }

    @Override
    public void removeTrack(MediaTrack track) {
        Objects.requireNonNull(track, "track");
        checkNotTerminal("removeTrack");
        removeTrackInternal(track);
    }

    private void removeTrackInternal(MediaTrack track) {
        Tracked entry;
        synchronized (media) {
            entry = media.remove(track.id());
        }
        if (entry == null) {
            return;
        }
        loop.execute(() -> {
            if (state == PeerState.RECONNECTING) {
                return; // the swap attaches only what is still tracked
            }
            for (DefaultRemotePeer p : peers.values()) {
                RtpSender sender = p.attached.remove(track.id());
                if (sender == null) {
                    continue;
                }
                if (entry.metadata != null) {
                    sendTrackMeta(p.id(), track.id(), null);
                }
                try {
                    p.connection().pc().removeTrack(sender);
                } catch (RuntimeException e) {
                    log("warn", "removeTrack failed", Map.of("peerId", p.id(), "err", String.valueOf(e.getMessage())));
                }
            }
        });
    }

    @Override
    public Optional<ObjectNode> getTrackMetadata(MediaTrack track) {
        synchronized (media) {
            Tracked t = media.get(track.id());
            return t == null || t.metadata == null ? Optional.empty() : Optional.of(t.metadata.deepCopy());
        }
    }

    @Override
    public Optional<ObjectNode> getStreamMetadata(MediaStream stream) {
        synchronized (media) {
            for (MediaTrack track : stream.tracks()) {
                Tracked t = media.get(track.id());
                if (t != null) {
                    return t.metadata == null ? Optional.empty() : Optional.of(t.metadata.deepCopy());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public CompletableFuture<Void> replaceTrack(MediaTrack oldTrack, MediaTrack newTrack) {
        PeerState s = state;
        if (s == PeerState.RECONNECTING || s == PeerState.LEAVING || s == PeerState.CLOSED) {
            throw new MeteredPeerStateException("invalid_state", "replaceTrack", "MeteredPeer.replaceTrack: cannot "
                    + "replace tracks in state '" + s.wireName() + "'. Wait for state JOINED and retry.", s);
        }
        Objects.requireNonNull(oldTrack, "oldTrack must not be null; to stop sending a stream use removeStream()");
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            List<DefaultRemotePeer> targets = new ArrayList<>(peers.values());
            List<CompletableFuture<Void>> results = new ArrayList<>();
            for (DefaultRemotePeer p : targets) {
                results.add(replaceOn(p, oldTrack, newTrack));
            }
            CompletableFuture.allOf(results.stream().map(r -> r.exceptionally(x -> null))
                            .toArray(CompletableFuture[]::new))
                    .whenComplete((v, e) -> loop.execute(() -> {
                        List<String> succeeded = new ArrayList<>();
                        List<MeteredPeerReplaceTrackException.Failure> failed = new ArrayList<>();
                        for (int i = 0; i < targets.size(); i++) {
                            CompletableFuture<Void> r = results.get(i);
                            if (r.isCompletedExceptionally()) {
                                Throwable err = r.handle((x, t) -> t).join();
                                failed.add(new MeteredPeerReplaceTrackException.Failure(targets.get(i).id(), unwrap(err)));
                            } else {
                                succeeded.add(targets.get(i).id());
                            }
                        }
                        if (!succeeded.isEmpty() || targets.isEmpty()) {
                            rekey(oldTrack, newTrack, succeeded);
                        }
                        if (failed.isEmpty()) {
                            complete(f);
                        } else {
                            fail(f, new MeteredPeerReplaceTrackException(succeeded, failed));
                        }
                    }));
        });
        return f;
    }

    private CompletableFuture<Void> replaceOn(DefaultRemotePeer p, MediaTrack oldTrack, MediaTrack newTrack) {
        RtpSender sender = p.attached.get(oldTrack.id());
        if (sender == null) {
            return CompletableFuture.completedFuture(null); // JS: no matching sender counts as success
        }
        CompletableFuture<Void> r = new CompletableFuture<>();
        try {
            sender.replaceTrack(newTrack).whenComplete((v, e) -> {
                if (e != null) {
                    r.completeExceptionally(unwrap(e));
                } else {
                    r.complete(null);
                }
            });
        } catch (RuntimeException e) {
            r.completeExceptionally(e);
        }
        return r;
    }

    private void rekey(MediaTrack oldTrack, MediaTrack newTrack, List<String> succeeded) {
        Tracked entry;
        synchronized (media) {
            entry = media.remove(oldTrack.id());
            if (entry != null && newTrack != null) {
                // re-insert under the new id; order changes (JS Map delete+set does the same)
                media.put(newTrack.id(), new Tracked(newTrack, entry.stream, entry.metadata));
            }
        }
        if (entry == null) {
            return;
        }
        for (String id : succeeded) {
            DefaultRemotePeer p = peers.get(id);
            if (p != null) {
                RtpSender sender = p.attached.remove(oldTrack.id());
                if (sender != null && newTrack != null) {
                    p.attached.put(newTrack.id(), sender);
                }
            }
            if (entry.metadata != null) {
                sendTrackMeta(id, oldTrack.id(), null);
                if (newTrack != null) {
                    sendTrackMeta(id, newTrack.id(), entry.metadata);
                }
            }
        }
    }

    /** Sends the track's metadata (if any) and then attaches it: metadata precedes the offer (sdk.md 2.3). */
    private void attach(DefaultRemotePeer p, Tracked entry) {
        if (p.attached.containsKey(entry.track.id())) {
            return;
        }
        if (entry.metadata != null) {
            sendTrackMeta(p.id(), entry.track.id(), entry.metadata);
        }
        try {
            RtpSender sender = p.connection().pc().addTrack(entry.track,
                    entry.stream == null ? List.of() : List.of(entry.stream.id()));
            p.attached.put(entry.track.id(), sender);
        } catch (RuntimeException e) {
            log("warn", "addTrack failed", Map.of("peerId", p.id(), "err", String.valueOf(e.getMessage())));
        }
    }

    /** JS order: all metadata first, then all tracks. */
    private void attachAll(DefaultRemotePeer p) {
        List<Tracked> snapshot;
        synchronized (media) {
            snapshot = new ArrayList<>(media.values());
        }
        for (Tracked t : snapshot) {
            if (t.metadata != null && !p.attached.containsKey(t.track.id())) {
                sendTrackMeta(p.id(), t.track.id(), t.metadata);
            }
        }
        for (Tracked t : snapshot) {
            if (!p.attached.containsKey(t.track.id())) {
                try {
                    RtpSender sender = p.connection().pc().addTrack(t.track,
                            t.stream == null ? List.of() : List.of(t.stream.id()));
                    p.attached.put(t.track.id(), sender);
                } catch (RuntimeException e) {
                    log("warn", "addTrack failed", Map.of("peerId", p.id(), "err", String.valueOf(e.getMessage())));
                }
            }
        }
    }

    private void sendTrackMeta(String toPeerId, String trackId, ObjectNode md) {
        client.send(toPeerId, Signals.trackMeta(trackId, md)).whenComplete((v, e) -> {
            if (e != null) {
                log("warn", "track metadata send failed", Map.of("toPeerId", toPeerId, "trackId", trackId,
                        "err", String.valueOf(unwrap(e).getMessage())));
            }
        });
    }

    // ---------------------------------------------------------------- client events (loop)

    private void onClientEvent(ClientEvent e) {
        if (e instanceof ClientEvent.Connected c) {
            onConnected(c);
        } else if (e instanceof ClientEvent.Disconnected d) {
            onDisconnected(d);
        } else if (e instanceof ClientEvent.Presence p) {
            onPresence(p);
        } else if (e instanceof ClientEvent.Direct d) {
            onDirect(d);
        } else if (e instanceof ClientEvent.Message m) {
            onMessage(m);
        } else if (e instanceof ClientEvent.ServerError s) {
            onServerError(s);
        } else if (e instanceof ClientEvent.TokenProviderError t) {
            onTokenProviderError(t);
        }
    }

    private void onConnected(ClientEvent.Connected ev) {
        localPeerId = ev.peerId();
        if (ev.iceServers() != null) {
            iceServers = ev.iceServers();
        }
        maxMessageSize = ev.maxMessageSize();
        if (ev.isReconnect() && state == PeerState.RECONNECTING) {
            if (peers.isEmpty()) {
                reconcilePending = false;
                clearReconcileDeadline();
                setState(PeerState.JOINED);
                return;
            }
            reconcilePending = true;
            reconcileResubscribes = 0;
            armReconcileDeadline();
        }
    }

    private void onDisconnected(ClientEvent.Disconnected ev) {
        if (state == PeerState.CLOSED || state == PeerState.LEAVING || state == PeerState.IDLE) {
            return;
        }
        if (state == PeerState.JOINING) {
            if (isFatalCloseCode(ev.code())) {
                hub.emit(new PeerEvent.Error(fatalClose(ev)));
            }
            if (ev.willReconnect()) {
                client.close(1000, "join failed");
            }
            return;
        }
        if (ev.willReconnect() && (state == PeerState.JOINED || state == PeerState.RECONNECTING)) {
            clearReconcileDeadline();
            reconcilePending = true;
            for (DefaultRemotePeer p : peers.values()) {
                RemotePeerState rs = p.state();
                if (rs != RemotePeerState.RECONNECTING && rs != RemotePeerState.CLOSED && rs != RemotePeerState.IDLE) {
                    p.setState(RemotePeerState.RECONNECTING);
                }
            }
            setState(PeerState.RECONNECTING);
            return;
        }
        if (!ev.willReconnect() && isFatalCloseCode(ev.code())) {
            hub.emit(new PeerEvent.Error(fatalClose(ev)));
        }
        if (ev.willReconnect()) {
            client.close(1000, "terminal");
        }
        for (String id : new ArrayList<>(peers.keySet())) {
            removePeer(id);
        }
        reconcilePending = false;
        clearReconcileDeadline();
        String closedPeerId = localPeerId;
        String closedChannel = channel;
        channel = null;
        setState(PeerState.CLOSED);
        hub.emit(new PeerEvent.Left(closedPeerId, closedChannel,
                ev.reason() != null && !ev.reason().isEmpty() ? ev.reason() : "disconnected (code " + ev.code() + ")"));
    }

    static boolean isFatalCloseCode(int code) {
        return code == 4001 || code == 4002 || code == 4003 || code == 4012 || code == 4020;
    }

    static String closeCodeName(int code) {
        return switch (code) {
            case 4001 -> "invalid_token";
            case 4002 -> "token_expired";
            case 4003 -> "channel_not_authorized";
            case 4012 -> "account_suspended";
            case 4020 -> "admin_disconnect";
            default -> "close_" + code;
        };
    }

    private static RealtimeException fatalClose(ClientEvent.Disconnected ev) {
        return new RealtimeException(closeCodeName(ev.code()), "connection closed terminally (code " + ev.code() + ")"
                + (ev.reason() != null && !ev.reason().isEmpty() ? ": " + ev.reason() : ""));
    }

    private void onServerError(ClientEvent.ServerError ev) {
        if (FATAL_SERVER_CODES.contains(ev.code())) {
            hub.emit(new PeerEvent.Error(new RealtimeException(ev.code(), "server error: " + ev.code()
                    + (ev.message() != null ? " - " + ev.message() : ""))));
        }
    }

    private void onTokenProviderError(ClientEvent.TokenProviderError ev) {
        hub.emit(new PeerEvent.Error(new RealtimeException(PeerErrorCodes.TOKEN_PROVIDER_ERROR,
                "token provider failed " + ev.consecutiveFailures() + " consecutive attempts: "
                        + (ev.error() == null ? "" : ev.error().getMessage()), ev.error())));
    }

    /** Presence is accepted for the joined channel, or the one being joined (see the porting note in sdk.md 13). */
    private boolean isOurChannel(String ch) {
        String ours = channel != null ? channel : (state == PeerState.JOINING ? joinChannel : null);
        return ours != null && ours.equals(ch);
    }

    private void onPresence(ClientEvent.Presence ev) {
        if (!isOurChannel(ev.channel())) {
            return;
        }
        if (reconcilePending) {
            reconcilePending = false;
            clearReconcileDeadline();
            reconcileFromSnapshot(ev.joined());
            return;
        }
        for (ClientEvent.PresencePeer p : ev.joined()) {
            addPeer(p.peerId(), p.metadata());
        }
        for (ClientEvent.PresencePeer p : ev.left()) {
            removePeer(p.peerId());
        }
    }

    private void onDirect(ClientEvent.Direct ev) {
        Signals.Inbound in = Signals.classify(ev.data());
        DefaultRemotePeer p = peers.get(ev.from());
        if (in != null) {
            if (p == null) {
                return; // JS: no buffering of signals from unknown peers
            }
            if (in instanceof Signals.Description d) {
                p.connection().handleDescription(d.description());
            } else if (in instanceof Signals.Ice i) {
                p.connection().handleIce(i.candidate());
            } else if (in instanceof Signals.TrackMeta m) {
                p.setTrackMetadata(m.trackId(), m.metadata());
            }
            return;
        }
        if (p == null) {
            log("debug", "MeteredPeer: dropping direct from unknown peerId", Map.of("from", ev.from()));
            return;
        }
        hub.emit(new PeerEvent.Data(ev.from(), ev.data(), PeerEvent.DataKind.DIRECT, ev.fromMetadata()));
    }

    private void onMessage(ClientEvent.Message ev) {
        if (channel == null || !channel.equals(ev.channel())) {
            return;
        }
        if (localPeerId != null && ev.from().equals(localPeerId)) {
            return;
        }
        hub.emit(new PeerEvent.Data(ev.from(), ev.data(), PeerEvent.DataKind.BROADCAST, ev.fromMetadata()));
    }

    // ---------------------------------------------------------------- peers

    private Negotiator newNegotiator(DefaultRemotePeer remote) {
        boolean polite = localPeerId.compareTo(remote.id()) < 0;
        // The latest welcome's list for every new connection (sdk.md 4: live ones keep theirs).
        RtcConfiguration rtc = new RtcConfiguration(iceServers, options.iceTransportPolicy());
        return new Negotiator(options.rtcPeerConnectionFactory(), rtc, remote.id(), polite, loop, timers,
                client::send, logger, remote);
    }

    private void addPeer(String peerId, JsonNode metadata) {
        if (peerId.equals(localPeerId) || peers.containsKey(peerId) || localPeerId == null) {
            return;
        }
        if (peers.size() >= MAX_PEERS_PER_CHANNEL) {
            log("warn", "MeteredPeer: peer cap reached, dropping peer-joined",
                    Map.of("peerId", peerId, "cap", MAX_PEERS_PER_CHANNEL));
            return;
        }
        DefaultRemotePeer remote = new DefaultRemotePeer(peerId, metadata, callbacks, runtime.callbackBase(), logger,
                data -> sendTo(peerId, data));
        try {
            remote.init(newNegotiator(remote));
        } catch (RuntimeException e) {
            log("warn", "MeteredPeer: could not create a peer connection", Map.of("peerId", peerId,
                    "err", String.valueOf(e.getMessage())));
            return;
        }
        peers.put(peerId, remote);
        publishSnapshot();
        attachAll(remote);
        hub.emit(new PeerEvent.PeerJoined(remote));
    }

    private void removePeer(String peerId) {
        DefaultRemotePeer remote = peers.remove(peerId);
        if (remote == null) {
            log("warn", "MeteredPeer: peer-left for unknown peerId", Map.of("peerId", peerId));
            return;
        }
        publishSnapshot();
        remote.close();
        hub.emit(new PeerEvent.PeerLeft(remote));
    }

    private void publishSnapshot() {
        peersSnapshot = List.copyOf(peers.values());
    }

    // ---------------------------------------------------------------- reconcile (sdk.md 5)

    private void reconcileFromSnapshot(List<ClientEvent.PresencePeer> joined) {
        Set<String> ids = new HashSet<>();
        for (ClientEvent.PresencePeer p : joined) {
            if (!p.peerId().equals(localPeerId)) {
                ids.add(p.peerId());
            }
        }
        for (String id : new ArrayList<>(peers.keySet())) {
            if (state != PeerState.RECONNECTING) {
                return;
            }
            if (!ids.contains(id)) {
                removePeer(id);
            }
        }
        for (ClientEvent.PresencePeer p : joined) {
            if (state != PeerState.RECONNECTING) {
                return;
            }
            if (p.peerId().equals(localPeerId)) {
                continue;
            }
            DefaultRemotePeer existing = peers.get(p.peerId());
            try {
                if (existing != null) {
                    existing.setMetadata(p.metadata());
                    swapPeerConnection(existing);
                } else {
                    addPeer(p.peerId(), p.metadata());
                }
            } catch (RuntimeException e) {
                log("warn", "reconcile peer swap failed", Map.of("peerId", p.peerId(), "err", String.valueOf(e.getMessage())));
            }
        }
        if (state == PeerState.RECONNECTING) {
            setState(PeerState.JOINED);
        }
    }

    private void swapPeerConnection(DefaultRemotePeer remote) {
        if (localPeerId == null) {
            return;
        }
        RemotePeerState rs = remote.state();
        if (rs != RemotePeerState.RECONNECTING && rs != RemotePeerState.CLOSED && rs != RemotePeerState.IDLE) {
            remote.setState(RemotePeerState.RECONNECTING);
        }
        remote.setConnection(newNegotiator(remote));
        attachAll(remote);
    }

    private void armReconcileDeadline() {
        clearReconcileDeadline();
        reconcileDeadline = timers.schedule(RECONCILE_DEADLINE_MS, () -> {
            reconcileDeadline = null;
            onReconcileDeadline();
        });
    }

    private void clearReconcileDeadline() {
        LoopTimers.cancel(reconcileDeadline);
        reconcileDeadline = null;
    }

    private void onReconcileDeadline() {
        if (!reconcilePending || state != PeerState.RECONNECTING || client.state() != ClientState.CONNECTED
                || channel == null) {
            return;
        }
        if (reconcileResubscribes < MAX_RECONCILE_RESUBSCRIBES) {
            reconcileResubscribes++;
            log("warn", "MeteredPeer: no presence snapshot after reconnect; re-issuing subscribe",
                    Map.of("channel", channel, "attempt", reconcileResubscribes));
            client.subscribe(channel, new SubscribeOptions(joinOptions.includeSenderMetadata())).exceptionally(x -> null);
            armReconcileDeadline();
        } else {
            hub.emit(new PeerEvent.Error(new RealtimeException(PeerErrorCodes.RECONCILE_TIMEOUT,
                    "reconcile timed out: no channel presence arrived after reconnect; close() this instance and "
                            + "construct a new MeteredPeer to recover")));
        }
    }

    // ---------------------------------------------------------------- helpers

    private void setState(PeerState next) {
        if (next == state) {
            return;
        }
        PeerState from = state;
        state = next;
        hub.emit(new PeerEvent.StateChange(from, next));
    }

    private void complete(CompletableFuture<Void> f) {
        callbacks.execute(() -> f.complete(null));
    }

    private void fail(CompletableFuture<Void> f, Throwable e) {
        callbacks.execute(() -> f.completeExceptionally(e));
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private void log(String level, String msg, Map<String, Object> ctx) {
        try {
            switch (level) {
                case "debug" -> logger.debug(msg, ctx);
                case "warn" -> logger.warn(msg, ctx);
                default -> logger.error(msg, ctx);
            }
        } catch (RuntimeException ignored) {
            // loggers must not throw
        }
    }

    // Test hooks (same package).
    DefaultRemotePeer peer(String id) {
        CompletableFuture<DefaultRemotePeer> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(peers.get(id)));
        return f.join();
    }
}
