package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.client.InvalidArgumentException;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SubscribeOptions;
import ca.metered.realtime.client.internal.ClientRuntime;
import ca.metered.realtime.client.internal.DefaultSignallingClient;
import ca.metered.realtime.client.internal.EventHub;
import ca.metered.realtime.client.internal.Loggers;
import ca.metered.realtime.client.internal.LoopTimers;
import ca.metered.realtime.client.internal.SerialExecutor;
import ca.metered.realtime.client.internal.Validation;
import ca.metered.realtime.peer.JoinOptions;
import ca.metered.realtime.peer.MeteredPeer;
import ca.metered.realtime.peer.MeteredPeerOptions;
import ca.metered.realtime.peer.MeteredPeerSendException;
import ca.metered.realtime.peer.MeteredPeerStateException;
import ca.metered.realtime.peer.PeerErrorCodes;
import ca.metered.realtime.peer.PeerEvent;
import ca.metered.realtime.peer.PeerState;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.rtc.MediaTrack;
import ca.metered.realtime.peer.rtc.RtcConfiguration;
import ca.metered.realtime.protocol.ChannelNames;
import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.protocol.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@link MeteredPeer}: the peer's own lifecycle ({@code idle → joining → joined ⇄ reconnecting
 * → leaving → closed}, docs/sdk-behaviour.md 13), its sends, and the {@code error} surface, over three pieces it
 * wires together: {@link LocalMedia} (what we send), {@link Roster} (who is there, and the
 * reconcile) and {@link SignalRouter} (what arrives). All state is confined to one serial loop;
 * client events and port callbacks hop onto it.
 */
public final class DefaultMeteredPeer implements MeteredPeer {
    static final int FALLBACK_MAX_MESSAGE_SIZE = 65_536;
    /** Uncorrelated server errors MeteredPeer surfaces as {@code error} (seed 001 "What fires error"). */
    private static final Set<String> FATAL_SERVER_CODES = Set.of(CloseCodes.name(CloseCode.ACCOUNT_SUSPENDED.code()),
            ErrorCode.CHANNEL_NOT_AUTHORIZED.wireName(), ErrorCode.ACTION_NOT_PERMITTED.wireName(),
            CloseCodes.name(CloseCode.INVALID_TOKEN.code()), CloseCodes.name(CloseCode.TOKEN_EXPIRED.code()));

    private final MeteredPeerOptions options;
    private final SignallingClient client;
    private final ClientRuntime runtime;
    private final Logger logger;
    private final SerialExecutor loop;
    private final SerialExecutor callbacks;
    private final LoopTimers timers;
    private final EventHub<PeerEvent> hub;
    private final LocalMedia media;
    private final Roster roster;
    private final SignalRouter router;

    private volatile PeerState state = PeerState.IDLE;
    private volatile String localPeerId;
    private volatile String channel;
    private volatile int maxMessageSize = FALLBACK_MAX_MESSAGE_SIZE;

    // Loop-confined.
    private String joinChannel;
    private JoinOptions joinOptions = JoinOptions.DEFAULT;
    private List<IceServer> iceServers = List.of();

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
        this.media = new LocalMedia(client::send, () -> maxMessageSize, logger);
        this.roster = new Roster(new RosterHost(), hub, timers, logger);
        this.router = new SignalRouter(roster, hub, () -> channel, () -> localPeerId, logger);
        client.on(ClientEvent.class, e -> loop.execute(() -> onClientEvent(e)));
    }

    // ---------------------------------------------------------------- getters and listeners

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
        return roster.snapshot();
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
        CompletableFuture<Void> f = new CompletableFuture<>();
        InvalidArgumentException bad = Validation.channel(channel);
        if (bad == null && joinOpts == null) {
            bad = new InvalidArgumentException("options must not be null");
        }
        if (bad != null) {
            fail(f, bad);
            return f;
        }
        loop.execute(() -> {
            if (state != PeerState.IDLE) {
                fail(f, new MeteredPeerStateException("invalid_state", "join",
                        "MeteredPeer.join: cannot join in state '" + state.wireName() + "'", state));
                return;
            }
            if (ChannelNames.isReserved(channel)) {
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
                    .whenComplete((v, e) -> loop.execute(() -> joinSettled(f, channel, e)));
        });
        return f;
    }

    private void joinSettled(CompletableFuture<Void> f, String ch, Throwable e) {
        if (e == null && state == PeerState.JOINING) {
            this.channel = ch;
            setState(PeerState.JOINED);
            if (localPeerId != null) {
                hub.emit(new PeerEvent.Joined(localPeerId, ch));
            }
            complete(f);
            return;
        }
        Throwable err = e != null ? unwrap(e) : new MeteredPeerStateException("invalid_state", "join",
                "MeteredPeer.join: closed while joining", state);
        client.unsubscribe(ch).exceptionally(x -> null); // drops it from the replay set
        if (state == PeerState.JOINING) {
            joinChannel = null;
            setState(PeerState.IDLE); // join may be retried on the same instance
        }
        fail(f, err);
    }

    @Override
    public CompletableFuture<Void> close(String reason) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            PeerState at = state;
            if (at == PeerState.LEAVING) {
                complete(f); // a nested close() from a peer-left listener: the outer one finishes
                return;
            }
            List<EventStream<?>> streams = hub.openStreams();
            if (at == PeerState.CLOSED || at == PeerState.IDLE) {
                // JS 1.2.0: no `left` from idle or closed (seed 001 says `left` fires on reaching closed).
                setState(PeerState.CLOSED);
                client.close(1000, "client requested close").whenComplete((v, e) -> loop.execute(() -> {
                    hub.endStreams(streams);
                    complete(f);
                }));
                return;
            }
            setState(PeerState.LEAVING);
            roster.endReconcile();
            roster.removeAll();
            media.clear();
            String closedPeerId = localPeerId;
            String closedChannel = channel;
            client.close(1000, reason == null ? "client requested close" : reason)
                    .whenComplete((v, e) -> loop.execute(() -> {
                        channel = null;
                        setState(PeerState.CLOSED);
                        hub.emit(new PeerEvent.Left(closedPeerId, closedChannel, reason));
                        hub.endStreams(streams);
                        complete(f);
                    }));
        });
        return f;
    }

    @Override
    public void close() {
        awaitClose(close(null));
    }

    @Override
    public void dispose() {
        CompletableFuture<Void> closed = close(null);
        awaitClose(closed);
        loop.execute(() -> {
            hub.endStreams(hub.openStreams());
            hub.clear();
        });
    }

    private static void awaitClose(CompletableFuture<Void> f) {
        try {
            f.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // close is best effort; the state is CLOSED either way
        }
    }

    // ---------------------------------------------------------------- send

    @Override
    public CompletableFuture<Void> send(Object data) {
        String ch = channel;
        RealtimeException problem = SendChecks.broadcast(state, ch, data, maxMessageSize);
        return problem != null ? failed(problem) : client.publish(ch, data);
    }

    @Override
    public CompletableFuture<Void> sendTo(String peerId, Object data) {
        SendChecks.Direct d = SendChecks.direct(state, localPeerId, peerId, data, maxMessageSize, logger);
        return d.problem() != null ? failed(d.problem()) : client.send(peerId, d.data());
    }

    /** A future failed on the callback executor, like every other completion of this peer. */
    private CompletableFuture<Void> failed(Throwable e) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        fail(f, e);
        return f;
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

    /** Fans out only while joined; otherwise addPeer or the reconcile's swap attach it (docs/sdk-behaviour.md 5). */
    private boolean fanOutNow() {
        return state == PeerState.JOINED || state == PeerState.JOINING || state == PeerState.IDLE;
    }

    @Override
    public void addStream(MediaStream stream, Object metadata) {
        Objects.requireNonNull(stream, "stream");
        checkNotTerminal("addStream");
        List<LocalMedia.Tracked> added = media.trackStream(stream, metadata);
        loop.execute(() -> {
            if (fanOutNow()) {
                for (LocalMedia.Tracked t : added) {
                    roster.all().forEach(p -> media.attach(p, t));
                }
            }
        });
    }

    @Override
    public void addTrack(MediaTrack track, MediaStream stream, Object metadata) {
        Objects.requireNonNull(track, "track");
        checkNotTerminal("addTrack");
        LocalMedia.Tracked t = media.track(track, stream, metadata);
        if (t != null) {
            loop.execute(() -> {
                if (fanOutNow()) {
                    roster.all().forEach(p -> media.attach(p, t));
                }
            });
        }
    }

    @Override
    public void removeStream(MediaStream stream) {
        Objects.requireNonNull(stream, "stream");
        checkNotTerminal("removeStream");
        stream.tracks().forEach(this::untrack);
    }

    @Override
    public void removeTrack(MediaTrack track) {
        Objects.requireNonNull(track, "track");
        checkNotTerminal("removeTrack");
        untrack(track);
    }

    private void untrack(MediaTrack track) {
        LocalMedia.Tracked entry = media.untrack(track);
        if (entry != null) {
            loop.execute(() -> {
                if (state != PeerState.RECONNECTING) { // the swap attaches only what is still tracked
                    roster.all().forEach(p -> media.detach(p, entry));
                }
            });
        }
    }

    @Override
    public Optional<ObjectNode> getTrackMetadata(MediaTrack track) {
        return media.trackMetadata(track);
    }

    @Override
    public Optional<ObjectNode> getStreamMetadata(MediaStream stream) {
        return media.streamMetadata(stream);
    }

    @Override
    public CompletableFuture<Void> replaceTrack(MediaTrack oldTrack, MediaTrack newTrack) {
        PeerState s = state;
        if (s == PeerState.RECONNECTING || s == PeerState.LEAVING || s == PeerState.CLOSED) {
            return failed(new MeteredPeerStateException("invalid_state", "replaceTrack", "MeteredPeer.replaceTrack: "
                    + "cannot replace tracks in state '" + s.wireName() + "'. Wait for state JOINED and retry.", s));
        }
        if (oldTrack == null) {
            return failed(new InvalidArgumentException("MeteredPeer.replaceTrack: oldTrack must not be null; "
                    + "to stop sending a stream use removeStream()"));
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> media.replace(roster.all(), oldTrack, newTrack, loop).whenComplete((v, e) -> {
            if (e == null) {
                complete(f);
            } else {
                fail(f, unwrap(e));
            }
        }));
        return f;
    }

    // ---------------------------------------------------------------- client events (loop)

    private void onClientEvent(ClientEvent e) {
        switch (e.type()) {
            case CONNECTED -> onConnected((ClientEvent.Connected) e);
            case DISCONNECTED -> onDisconnected((ClientEvent.Disconnected) e);
            case PRESENCE -> {
                ClientEvent.Presence p = (ClientEvent.Presence) e;
                if (isOurChannel(p.channel())) {
                    roster.presence(p);
                }
            }
            case DIRECT -> router.direct((ClientEvent.Direct) e);
            case MESSAGE -> router.message((ClientEvent.Message) e);
            case SERVER_ERROR -> onServerError((ClientEvent.ServerError) e);
            case TOKEN_PROVIDER_ERROR -> onTokenProviderError((ClientEvent.TokenProviderError) e);
            default -> {
                // state-change, going-away: nothing to do here
            }
        }
    }

    private void onConnected(ClientEvent.Connected ev) {
        localPeerId = ev.peerId();
        if (ev.iceServers() != null) {
            iceServers = ev.iceServers(); // a reconnect welcome without iceServers keeps the previous ones (docs/sdk-behaviour.md 9)
        }
        maxMessageSize = ev.maxMessageSize();
        if (ev.isReconnect() && state == PeerState.RECONNECTING) {
            roster.reconnected();
        }
    }

    private void onDisconnected(ClientEvent.Disconnected ev) {
        if (state == PeerState.CLOSED || state == PeerState.LEAVING || state == PeerState.IDLE) {
            return;
        }
        if (state == PeerState.JOINING) {
            if (CloseCodes.isFatal(ev.code())) {
                hub.emit(new PeerEvent.Error(CloseCodes.error(ev.code(), ev.reason())));
            }
            if (ev.willReconnect()) {
                client.close(1000, "join failed"); // nothing reconnects in the background
            }
            return;
        }
        if (ev.willReconnect()) {
            roster.dropped();
            setState(PeerState.RECONNECTING);
            return;
        }
        if (CloseCodes.isFatal(ev.code())) {
            hub.emit(new PeerEvent.Error(CloseCodes.error(ev.code(), ev.reason())));
        }
        roster.endReconcile();
        roster.removeAll();
        String closedPeerId = localPeerId;
        String closedChannel = channel;
        channel = null;
        setState(PeerState.CLOSED);
        hub.emit(new PeerEvent.Left(closedPeerId, closedChannel,
                ev.reason() != null && !ev.reason().isEmpty() ? ev.reason() : "disconnected (code " + ev.code() + ")"));
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

    /** Presence is accepted for the joined channel, or the one being joined (see the porting note in docs/sdk-behaviour.md 13). */
    private boolean isOurChannel(String ch) {
        String ours = channel != null ? channel : (state == PeerState.JOINING ? joinChannel : null);
        return ours != null && ours.equals(ch);
    }

    /** What the roster asks of this peer. */
    private final class RosterHost implements Roster.Host {
        @Override
        public String localPeerId() {
            return localPeerId;
        }

        @Override
        public DefaultRemotePeer create(String peerId, JsonNode metadata) {
            DefaultRemotePeer remote = new DefaultRemotePeer(peerId, metadata, callbacks, runtime.callbackBase(), logger,
                    data -> sendTo(peerId, data));
            try {
                remote.init(connectionFor(remote));
                return remote;
            } catch (RuntimeException e) {
                log("warn", "MeteredPeer: could not create a peer connection", Map.of("peerId", peerId,
                        "err", String.valueOf(e.getMessage())));
                return null;
            }
        }

        @Override
        public Negotiator connectionFor(DefaultRemotePeer remote) {
            boolean polite = localPeerId.compareTo(remote.id()) < 0;
            // The latest welcome's list for every new connection (docs/sdk-behaviour.md 4: live ones keep theirs).
            RtcConfiguration rtc = new RtcConfiguration(iceServers, options.iceTransportPolicy());
            return new Negotiator(options.rtcPeerConnectionFactory(), rtc, remote.id(), polite, loop, timers,
                    client::send, logger, remote);
        }

        @Override
        public void attachMedia(DefaultRemotePeer remote) {
            media.attachAll(remote);
        }

        @Override
        public boolean reconnecting() {
            return state == PeerState.RECONNECTING;
        }

        @Override
        public void reconciled() {
            setState(PeerState.JOINED);
        }

        @Override
        public boolean resubscribe(int attempt) {
            if (client.state() != ClientState.CONNECTED || channel == null) {
                return false;
            }
            client.subscribe(channel, new SubscribeOptions(joinOptions.includeSenderMetadata())).exceptionally(x -> null);
            return true;
        }

        @Override
        public void reconcileTimedOut() {
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
        Loggers.log(logger, level, msg, ctx);
    }

    // Test hook (same package).
    DefaultRemotePeer peer(String id) {
        CompletableFuture<DefaultRemotePeer> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(roster.get(id)));
        return f.join();
    }
}
