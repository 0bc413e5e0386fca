package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelNames;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.ClientFrame;
import ca.metered.realtime.protocol.frame.DecodeResult;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.server.Node;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.cluster.DirectMessage;
import ca.metered.realtime.server.cluster.Publication;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.hub.AppHub;
import ca.metered.realtime.server.hub.Subscriber;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection's protocol state (protocol.md 2–5): decodes each command, applies
 * limits and permissions, calls the hub and answers {@code ack}/{@code error}.
 *
 * <p>Confined to its channel's event loop, except {@link #deliver}, {@link #close} and
 * {@link #keepaliveTick}, which any thread may call. Outbound bytes are bounded: a connection
 * whose queued bytes exceed the cap is closed with 1008 {@code slow consumer} rather than
 * letting the heap grow (protocol.md 4).
 */
public final class Session implements Subscriber {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final Node node;
    private final Channel channel;
    private final Grant grant;
    private final AppHub app;
    private final Limits limits;
    private final long connectionId;
    private final RawJson peerMetadata;
    private final TokenBucket bucket;
    private final OutboundQueue outbound;

    /** Concrete channel → includeSenderMetadata. Event loop only. */
    private final Map<String, Boolean> channels = new HashMap<>();
    /** Wildcard subscriptions by glob text. Event loop only. */
    private final Map<String, ChannelPattern> globs = new HashMap<>();

    private final AtomicBoolean closing = new AtomicBoolean();
    /** Whether our close frame has been written; frames queued after it are dropped. Event loop only. */
    private boolean released;
    /** Whether {@link #open} ran (a refused connection never registers). Event loop only. */
    private boolean opened;
    /** A command is waiting on the backplane; later frames wait in {@link #backlog}. Event loop only. */
    private boolean busy;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    /** Publishes sent to the backplane and not yet answered. Event loop only. */
    private int publishesInFlight;
    private static final Object BINARY = new Object();
    private volatile long lastSeenNanos;
    private volatile long pingSentNanos;

    public Session(Node node, Channel channel, Grant grant, long connectionId) {
        this.node = node;
        this.channel = channel;
        this.grant = grant;
        this.app = node.hub().app(grant.app().id());
        this.limits = grant.app().limits();
        this.connectionId = connectionId;
        this.peerMetadata = grant.peerMetadataJson() == null ? null : RawJson.of(grant.peerMetadataJson());
        long now = node.nanoTime();
        this.bucket = new TokenBucket(limits.messageRate(), limits.messageBurst(), now);
        this.outbound = new OutboundQueue(channel, node.settings().outboundBufferBytes());
        this.lastSeenNanos = now;
        this.pingSentNanos = now;
    }

    /**
     * Registers the connection and sends {@code welcome}. Event loop only.
     *
     * <p>Registration comes first, and the welcome waits until the backplane routes the peer's
     * directs here, so the peer is reachable ({@code send}, kicks) as soon as a client can have
     * seen its welcome (protocol.md 2.5). Frames delivered meanwhile queue behind the welcome.
     */
    public void open() {
        opened = true;
        busy = true; // frames that arrive before the welcome wait for it
        node.memberships().openConnection(app, this).whenComplete((ok, err) -> onLoop(() -> {
            if (err != null) {
                // Serve the connection anyway: local traffic works, and the backplane re-asserts
                // this peer when it is back (docs/clustering.md).
                log.warn("backplane could not register peer {}: {}", peerId(), err.toString());
            }
            RawJson metadata = node.iceServers().welcomeMetadata(grant); // docs/turn.md
            write(FrameCodec.encode(new ServerFrame.Welcome(grant.peerId(), node.clock().instant().getEpochSecond(),
                    grant.expiresAtEpochSeconds(), limits.maxMessageSize(), metadata)));
            resume();
        }));
    }

    /** Marks a connection that was not admitted (4010): it never opens and ignores frames. */
    public void refuse() {
        closing.set(true);
    }

    public Grant grant() {
        return grant;
    }

    @Override
    public long connectionId() {
        return connectionId;
    }

    @Override
    public String peerId() {
        return grant.peerId();
    }

    @Override
    public RawJson peerMetadata() {
        return peerMetadata;
    }

    @Override
    public boolean presenceEnabled() {
        return grant.can(Action.PRESENCE);
    }

    /** Any inbound traffic (a frame, a pong) proves the connection alive. Event loop only. */
    public void touched() {
        lastSeenNanos = node.nanoTime();
    }

    /** Handles one inbound text message. Event loop only. */
    public void onText(String text) {
        touched();
        if (closing.get()) {
            return;
        }
        // Every client frame counts against the rate, malformed ones included (protocol.md 4 [ours]).
        if (!bucket.tryTake(node.nanoTime())) {
            close(CloseCode.OVER_MESSAGE_RATE.code(), "message rate exceeded");
            return;
        }
        if (busy) {
            backlog.add(text);
            return;
        }
        process(text);
    }

    /**
     * Commands run one at a time: a command whose outcome depends on the backplane holds the
     * next ones back until it is answered, so answers leave in command order and a later
     * command never overtakes an earlier one's effects (protocol.md 2.3). The exception is a run
     * of publishes, which pipeline (see below). The rate limit (100/s) keeps the backlog short.
     * Event loop only.
     */
    private void process(Object item) {
        DecodeResult decoded = item == BINARY ? null : FrameCodec.decodeClient((String) item);
        boolean publish = decoded instanceof DecodeResult.Ok ok && ok.frame().kind() == ClientFrame.Kind.PUBLISH;
        if (publishesInFlight > 0 && !publish) {
            // Only a publish may follow pipelined publishes; anything else waits for their answers.
            busy = true;
            backlog.addFirst(item);
            return;
        }
        if (decoded == null) {
            error(ErrorCode.MALFORMED_MESSAGE, "binary frames are not supported; send JSON text frames", null);
            return;
        }
        if (decoded instanceof DecodeResult.Invalid inv) {
            write(FrameCodec.encode(inv.toFrame()));
            return;
        }
        ClientFrame frame = ((DecodeResult.Ok) decoded).frame();
        CompletableFuture<Void> pending;
        try {
            pending = dispatch(frame);
        } catch (RuntimeException e) {
            log.error("internal error handling {} from peer {}", frame.kind(), peerId(), e);
            error(ErrorCode.INTERNAL_ERROR, "internal error", frame.requestId());
            return;
        }
        if (pending != null && !pending.isDone()) {
            if (frame.kind() == ClientFrame.Kind.PUBLISH) {
                // Consecutive publishes pipeline: they leave on the node's one Redis connection in
                // order and their replies, hence their acks, come back in that order.
                publishesInFlight++;
                pending.whenComplete((ok, err) -> onLoop(() -> {
                    if (--publishesInFlight == 0 && busy) {
                        resume();
                    }
                }));
            } else {
                busy = true;
                pending.whenComplete((ok, err) -> onLoop(this::resume));
            }
        }
    }

    /** Runs the commands that waited behind a finished one. Event loop only. */
    private void resume() {
        busy = false;
        while (!busy && !backlog.isEmpty()) {
            if (closing.get()) {
                backlog.clear();
                return;
            }
            process(backlog.poll());
        }
    }

    /** A binary frame: the protocol is text only (protocol.md 2). Event loop only. */
    public void onBinary() {
        touched();
        if (!closing.get() && !bucket.tryTake(node.nanoTime())) {
            close(CloseCode.OVER_MESSAGE_RATE.code(), "message rate exceeded");
            return;
        }
        if (busy) {
            backlog.add(BINARY);
            return;
        }
        process(BINARY);
    }

    /** Runs one command; returns its completion when it waits on the backplane, else {@code null}. */
    private CompletableFuture<Void> dispatch(ClientFrame frame) {
        return switch (frame.kind()) {
            case SUBSCRIBE -> subscribe((ClientFrame.Subscribe) frame);
            case UNSUBSCRIBE -> unsubscribe((ClientFrame.Unsubscribe) frame);
            case PUBLISH -> publish((ClientFrame.Publish) frame);
            case SEND -> send((ClientFrame.Send) frame);
            case PING -> {
                write(FrameCodec.encode(new ServerFrame.Pong()));
                yield null;
            }
        };
    }

    private CompletableFuture<Void> subscribe(ClientFrame.Subscribe f) {
        String rid = f.requestId();
        if (ChannelNames.isReserved(f.channel())) {
            return error(ErrorCode.CHANNEL_RESERVED, "channel prefix is reserved", rid);
        }
        if (!grant.can(Action.SUBSCRIBE)) {
            return error(ErrorCode.ACTION_NOT_PERMITTED, "credential lacks the subscribe action", rid);
        }
        boolean wildcard = ChannelNames.isWildcard(f.channel());
        ChannelPattern glob = null;
        if (wildcard) {
            try {
                glob = ChannelPattern.compile(f.channel());
            } catch (IllegalArgumentException e) {
                return error(ErrorCode.INVALID_CHANNEL, e.getMessage(), rid);
            }
            if (!grant.channels().allowsGlob(glob)) {
                return error(ErrorCode.CHANNEL_NOT_AUTHORIZED, "channel pattern outside the credential's channels", rid);
            }
        } else if (!grant.channels().allows(f.channel())) {
            return error(ErrorCode.CHANNEL_NOT_AUTHORIZED, "channel outside the credential's channels", rid);
        }
        boolean already = wildcard ? globs.containsKey(f.channel()) : channels.containsKey(f.channel());
        if (!already && channels.size() + globs.size() >= limits.maxChannelsPerConnection()) {
            return error(ErrorCode.CHANNEL_LIMIT_EXCEEDED,
                    "at most " + limits.maxChannelsPerConnection() + " subscriptions per connection", rid);
        }
        Consumer<List<ServerFrame.PresenceEntry>> ackThenSnapshot = snapshot -> {
            if (rid != null) {
                write(FrameCodec.encode(new ServerFrame.Ack(rid)));
            }
            write(FrameCodec.encode(new ServerFrame.Presence(f.channel(), snapshot, List.of())));
        };
        if (wildcard) {
            globs.put(f.channel(), glob);
            ChannelPattern g = glob;
            return node.memberships().joinGlob(app, this, glob, f.includeSenderMetadata()).toCompletableFuture()
                    .handle((ok, err) -> {
                        onLoop(() -> {
                            if (err == null) {
                                ackThenSnapshot.accept(List.of());
                            } else {
                                globs.remove(f.channel(), g);
                                backendError(err, rid);
                            }
                        });
                        return null;
                    });
        }
        channels.put(f.channel(), f.includeSenderMetadata());
        return node.memberships().join(app, this, f.channel(), f.includeSenderMetadata(), ackThenSnapshot)
                .toCompletableFuture()
                .handle((ok, err) -> {
                    if (err != null) {
                        onLoop(() -> {
                            if (!already) {
                                channels.remove(f.channel());
                            }
                            backendError(err, rid);
                        });
                    }
                    return null;
                });
    }

    private void backendError(Throwable err, String rid) {
        log.warn("backplane unavailable for peer {}: {}", peerId(), err.toString());
        error(ErrorCode.BACKEND_ERROR, "the cluster backplane is unavailable; retry later", rid);
    }

    private CompletableFuture<Void> unsubscribe(ClientFrame.Unsubscribe f) {
        ChannelPattern glob = globs.remove(f.channel());
        if (glob != null) {
            node.memberships().leaveGlob(app, this, glob);
        } else if (channels.remove(f.channel()) != null) {
            // Acked once the leave is decided (even if the backplane failed: the connection is
            // off the channel locally, and the backplane re-asserts presence when it is back).
            return node.memberships().leave(app, this, f.channel()).toCompletableFuture()
                    .handle((ok, err) -> {
                        onLoop(() -> ack(f.requestId()));
                        return null;
                    });
        }
        ack(f.requestId());
        return null;
    }

    private CompletableFuture<Void> publish(ClientFrame.Publish f) {
        String rid = f.requestId();
        if (ChannelNames.isReserved(f.channel())) {
            return error(ErrorCode.CHANNEL_RESERVED, "channel prefix is reserved", rid);
        }
        if (ChannelNames.isWildcard(f.channel())) {
            return error(ErrorCode.INVALID_CHANNEL, "cannot publish to a wildcard channel", rid);
        }
        if (!grant.can(Action.PUBLISH)) {
            return error(ErrorCode.ACTION_NOT_PERMITTED, "credential lacks the publish action", rid);
        }
        if (!grant.channels().allows(f.channel())) {
            return error(ErrorCode.CHANNEL_NOT_AUTHORIZED, "channel outside the credential's channels", rid);
        }
        Publication p = new Publication(node.nodeId(), connectionId, app.appId(), f.channel(), peerId(),
                f.data(), peerMetadata);
        return withinQuota(rid, () -> node.backplane().broker().publish(p).toCompletableFuture()
                .handle((delivered, err) -> {
                    onLoop(() -> {
                        if (err != null) {
                            // Local subscribers were served; remote ones may not have been.
                            backendError(err, rid);
                        } else {
                            ack(rid);
                        }
                    });
                    return null;
                }));
    }

    /** Counts a message against the app's quota, then runs {@code next} or answers {@code over_message_quota}. */
    private CompletableFuture<Void> withinQuota(String rid, Supplier<CompletableFuture<Void>> next) {
        return node.backplane().usage().countMessage(app.appId(), limits.maxMessagesPerPeriod()).toCompletableFuture()
                // An unreachable counter does not stop traffic (fail open): the message is still
                // delivered locally and the broker reports the outage (backend_error).
                .handle((ok, err) -> err != null || ok)
                .thenCompose(ok -> {
                    if (!ok) {
                        onLoop(() -> error(ErrorCode.OVER_MESSAGE_QUOTA,
                                "the app's message quota for this period is used up", rid));
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return next.get();
                });
    }

    private CompletableFuture<Void> send(ClientFrame.Send f) {
        String rid = f.requestId();
        if (!grant.can(Action.SEND)) {
            return error(ErrorCode.ACTION_NOT_PERMITTED, "credential lacks the send action", rid);
        }
        DirectMessage d = new DirectMessage(node.nodeId(), app.appId(), f.to(), peerId(), f.data(), peerMetadata);
        return withinQuota(rid, () -> node.backplane().broker().direct(d).toCompletableFuture()
                .handle((found, err) -> {
                    onLoop(() -> {
                        if (err != null) {
                            backendError(err, rid);
                        } else if (!found) {
                            error(ErrorCode.PEER_NOT_FOUND, "peer is not online", rid);
                        } else {
                            ack(rid);
                        }
                    });
                    return null;
                }));
    }

    private void onLoop(Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            channel.eventLoop().execute(r);
        }
    }

    private void ack(String rid) {
        if (rid != null) {
            write(FrameCodec.encode(new ServerFrame.Ack(rid)));
        }
    }

    /** Queues an {@code error}; returns {@code null} so a command can end with {@code return error(…)}. */
    private CompletableFuture<Void> error(ErrorCode code, String message, String rid) {
        write(FrameCodec.encode(new ServerFrame.Error(code.wireName(), message, rid)));
        return null;
    }

    @Override
    public void deliver(byte[] frame) {
        write(frame);
    }

    private void write(byte[] frame) {
        if (closing.get()) {
            return;
        }
        if (!outbound.offer(frame)) {
            close(CloseCode.POLICY_VIOLATION.code(), "slow consumer");
        }
    }

    /** Bytes queued for this connection and not yet written to the socket. */
    public long queuedBytes() {
        return outbound.queuedBytes();
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            outbound.close(code, reason);
        }
    }

    /** Sends {@code going_away}; the caller closes with 1001 afterwards (protocol.md 8). */
    public void goingAway(long retryAfterMs) {
        write(FrameCodec.encode(new ServerFrame.GoingAway(retryAfterMs)));
    }

    public boolean isClosing() {
        return closing.get();
    }

    /**
     * Called about once a second by the node's keepalive sweep, from its own thread: sends a
     * WebSocket ping every interval and closes (1001 {@code ping timeout}) a connection that has
     * sent nothing within the grace after a ping (protocol.md 8).
     */
    public void keepaliveTick(long nowNanos, long intervalNanos, long graceNanos) {
        if (closing.get()) {
            return;
        }
        long sent = pingSentNanos;
        if (lastSeenNanos - sent < 0 && nowNanos - sent >= graceNanos && sent != 0) {
            close(CloseCode.GOING_AWAY.code(), "ping timeout");
        } else if (nowNanos - sent >= intervalNanos) {
            pingSentNanos = nowNanos;
            channel.writeAndFlush(new PingWebSocketFrame());
        }
    }

    /** Releases everything the connection holds; runs once, when the channel becomes inactive. */
    public void onClosed() {
        if (released) {
            return;
        }
        released = true;
        closing.set(true);
        backlog.clear();
        for (String ch : new ArrayList<>(channels.keySet())) {
            node.memberships().leave(app, this, ch);
        }
        channels.clear();
        for (ChannelPattern glob : globs.values()) {
            node.memberships().leaveGlob(app, this, glob);
        }
        globs.clear();
        if (opened) {
            node.memberships().closeConnection(app, this);
        }
        node.connectionClosed(this);
    }

    @Override
    public String toString() {
        return "Session[" + connectionId + " peer=" + peerId() + " app=" + app.appId() + "]";
    }
}
