package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.connection.Connection;
import ca.metered.realtime.server.connection.ConnectionLog;
import ca.metered.realtime.server.connection.Connections;
import ca.metered.realtime.server.connection.Connections.Admission;
import ca.metered.realtime.server.connection.Link;
import ca.metered.realtime.server.pubsub.CloseStatus;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection, adapted to the core: it owns the connection's pieces — the
 * {@link OutboundQueue} and the {@link Commands} — admits the client's frames and runs its
 * commands in order (it is their {@link InboundRateLimiter} and {@link CommandSequencer}, by
 * extending them: no object of their own per connection), and takes the connection through
 * admission, the welcome, and release.
 *
 * <p>Confined to its channel's event loop, except {@link #close} and {@link #isClosing}, which
 * any thread may call.
 */
public final class Session extends CommandSequencer {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    /**
     * Until the connection opens; then the {@link Connection} holds it (as its parts, the shared
     * part shared) and this lets go: one object less per connection (docs/performance.md, "Idle
     * connections"). Event loop only.
     */
    private Grant grant;
    private final Limits limits;
    /** The node's services, shared by every session (one reference instead of one per service). */
    private final Sessions node;
    private final OutboundQueue outbound;
    /** The largest message a fragmented one may aggregate to; 0: fragments are not aggregated here. */
    private final int maxMessageBytes;
    /** Set once admitted and registered. Event loop only. */
    private Connection connection;
    private boolean released;

    /**
     * @param maxMessageBytes the largest message a fragmented one may aggregate to (0: fragments
     *     are not aggregated here)
     */
    Session(Channel channel, Grant grant, Limits limits, Sessions node, Object remoteAddress, int maxMessageBytes) {
        super(limits, node.nanoTime.getAsLong());
        this.grant = grant;
        this.limits = limits;
        this.node = node;
        this.outbound = new OutboundQueue(channel, remoteAddress, node.outboundShared());
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The connection's channel, as its outbound queue holds it (not a field here too: one reference fewer per connection). */
    private Channel channel() {
        return outbound.channel();
    }

    /**
     * The inbound message rate, asked for every frame the client sends: this session itself (it
     * is its {@link InboundRateLimiter}, see {@link CommandSequencer}).
     */
    public InboundRateLimiter rateLimiter() {
        return this;
    }

    /** The outbound queue (not a pipeline handler: {@link #writabilityChanged} and {@link #onClosed} drive it). */
    OutboundQueue outbound() {
        return outbound;
    }

    /** The channel's writability changed: the outbound queue resumes draining when it can. Event loop only. */
    public void writabilityChanged() {
        outbound.writabilityChanged();
    }

    /**
     * Admits the connection against its app's concurrent limit, registers it and sends the
     * welcome; the upgrade response is written (perhaps not yet flushed: see {@link
     * #flushPending}). Frames wait (reads are paused) until then.
     *
     * <p>Registration comes first, and the welcome waits until the backplane routes the peer's
     * directs here, so the peer is reachable ({@code send}, kicks) as soon as a client can have
     * seen its welcome (docs/protocol.md 2.5). Frames delivered meanwhile queue behind the welcome.
     */
    public void start() {
        Connections connections = node.connections;
        CompletionStage<Admission> admitted = connections.admit(grant);
        if (isDoneOnLoop(admitted)) {
            // Decided already (the in-memory usage store): nothing can be read in between, so
            // no pause of the reads and no hop through the loop's task queue.
            admitted.thenAccept(this::admitted); // complete: runs now, on this thread
            return;
        }
        channel().config().setAutoRead(false);
        admitted.whenComplete((admission, err) -> channel().eventLoop().execute(() -> {
            admitted(admission);
            channel().config().setAutoRead(true);
        }));
    }

    private void admitted(Admission admission) {
        if (admission == Admission.REFUSED) {
            outbound.close(CloseCode.OVER_CONCURRENT_LIMIT.code(), "concurrent connection limit reached");
        } else if (!channel().isActive()) {
            node.connections.abandon(grant, admission);
        } else {
            open(admission);
        }
    }

    private void open(Admission admission) {
        Connections.Opening opening = node.connections.open(grant, outbound, admission);
        connection = opening.connection();
        grant = null;
        CompletionStage<Void> reachable = opening.reachable();
        if (isDoneOnLoop(reachable)) {
            reachable.whenComplete((ok, err) -> reachable(err)); // complete: runs now, on this thread
        } else {
            reachable.whenComplete((ok, err) -> channel().eventLoop().execute(() -> reachable(err)));
        }
    }

    private void reachable(Throwable err) {
        if (err != null) {
            // Serve the connection anyway: local traffic works, and the backplane re-asserts
            // this peer when it is back (docs/clustering.md).
            ConnectionLog.of(log.atWarn(), connection).log("backplane could not register the peer: {}", err.toString());
        }
        new Commands(connection, node).welcome(node.scheduler.clock(), limits.maxMessageSize());
        startCommands();
    }

    /**
     * Runs one of the client's commands, for the {@link CommandSequencer}. The {@link Commands}
     * that answers it is made per command rather than kept: the session holds all it needs, so
     * an idle connection keeps one object fewer (docs/performance.md, "Idle connections").
     * Event loop only.
     */
    @Override
    public CompletionStage<?> handle(CommandSequencer.Item item) {
        return new Commands(connection, node).handle(item);
    }

    @Override
    Executor loop() {
        return outbound.loop();
    }

    @Override
    Link link() {
        return outbound;
    }

    @Override
    Limits limits() {
        return limits;
    }

    @Override
    long nanoTime() {
        return node.nanoTime.getAsLong();
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Whether what the connection has queued so far is about to be drained on this loop, and
     * flushed with it whatever the channel holds unflushed (the {@code 101} written before
     * {@link #start}): then the caller need not flush. Event loop only.
     */
    public boolean flushPending() {
        return outbound.drainPending();
    }

    /** Whether {@code stage} has completed and this is the connection's loop: then it is handled inline. */
    private boolean isDoneOnLoop(CompletionStage<?> stage) {
        return stage instanceof CompletableFuture<?> f && f.isDone() && channel().eventLoop().inEventLoop();
    }

    /** Any inbound frame proves the connection alive (docs/protocol.md 8). Event loop only. */
    public void touched() {
        if (connection != null) {
            connection.touched(node.nanoTime.getAsLong());
        }
    }

    /** One complete text message. Event loop only. */
    public void onText(String text) {
        touched();
        if (!outbound.isClosing()) {
            submit(CommandSequencer.Item.decode(text));
        }
    }

    /** One complete binary message. Event loop only. */
    public void onBinary() {
        touched();
        if (!outbound.isClosing()) {
            submit(new CommandSequencer.Binary());
        }
    }

    /** The client's ping: a pong with its payload, in order with everything queued. Event loop only. */
    public void onPing(ByteBuf payload) {
        touched();
        outbound.pong(payload);
    }

    /** The client sent a close frame with {@code code} (1005 for none). Event loop only. */
    public void clientClosed(int code) {
        outbound.clientClosed(code);
    }

    /** Closes with a WebSocket close code; safe from any thread, idempotent. */
    public void close(int code, String reason) {
        outbound.close(code, reason);
    }

    public boolean isClosing() {
        return outbound.isClosing();
    }

    /** The client's close frame; it ended the connection unless we had closed first. Event loop only. */
    public void closedByClient(CloseStatus status) {
        outbound.closedByClient(status);
    }

    /**
     * Releases everything the connection holds, then lets go of what its outbound queue still
     * holds; runs once, when the channel becomes inactive.
     */
    public void onClosed() {
        if (released) {
            return;
        }
        released = true;
        dropCommands();
        if (connection != null) {
            CloseStatus theirs = outbound.clientClosedWith();
            CloseStatus ours = outbound.closedWith();
            node.connections.release(connection,
                    theirs != null ? theirs : ours != null ? ours : CloseStatus.ABNORMAL);
        }
        outbound.inactive();
    }

    @Override
    public String toString() {
        return "Session[peer=" + grant.peerId() + " app=" + grant.app().id() + "]";
    }
}
