package ca.metered.realtime.server.session;

import static ca.metered.realtime.server.session.OutboundItems.counted;
import static ca.metered.realtime.server.session.OutboundItems.wireBytes;
import static ca.metered.realtime.server.session.OutboundItems.writeTo;

import ca.metered.realtime.protocol.CloseCode;
import ca.metered.realtime.protocol.frame.FrameSlices;
import ca.metered.realtime.server.session.OutboundItems.Close;
import ca.metered.realtime.server.session.OutboundItems.Control;
import ca.metered.realtime.server.session.OutboundItems.Slices;
import ca.metered.realtime.server.pubsub.CloseStatus;
import ca.metered.realtime.server.connection.Link;
import ca.metered.realtime.server.metrics.NodeMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One connection's outbound path: a FIFO of frames — text, pings, pongs — and, last, the close,
 * bounded in bytes (docs/protocol.md 4: a connection over the cap is a slow consumer).
 *
 * <p>Every item — frames from any thread, the connection's own loop included, keepalive pings,
 * the pongs answering the client's pings, and the close — goes through this one queue: an
 * inline write from the loop would overtake frames other threads had already queued
 * (docs/protocol.md 2.3: a {@code left} before a later {@code joined} of the same peerId, the joined
 * delta before what the newcomer sends next; a pong after everything queued before). An item
 * queued on another event loop is carried to this channel's loop by {@link DrainHandoff} (one
 * task per loop for everything a fan-out queued there) and put into the FIFO there, so the FIFO
 * and the byte count are mostly touched by one thread; one from a thread that is no event loop
 * goes in at once. One drain on the channel's event loop empties it — scheduled through
 * {@link DrainHandoff} too — and hands Netty only what the socket can take (the
 * channel's write-buffer high-water mark), the frames of a batch ({@link OutboundItems}) encoded by
 * {@link WireFrames} into one direct buffer: one write, one promise and one flush per batch, not per frame. The
 * rest stays here, where a close can still discard it.
 *
 * <p>The close is delivered so that the client can read its code (RFC 6455 7.1.1): queued
 * behind the frames before it — except the 1008 {@code slow consumer} close, which discards them
 * first, since the client is not reading them anyway — then the output is half-closed, and the
 * connection lingers, reading and ignoring what the client still sends, until the client's
 * close or a deadline. Closing with unread input at once would make the kernel answer with a
 * reset that destroys the close frame on its way.
 *
 * <p>Thread-safe: {@link Link} methods from any thread; the drain runs on the loop. It resumes
 * draining when the channel becomes writable again: told so by the session's frame handler
 * ({@link #writabilityChanged}, {@link #inactive}), or, installed in a pipeline itself, by Netty.
 */
public final class OutboundQueue extends ChannelInboundHandlerAdapter implements Link {
    /** How long a close may wait behind the frames before it for a client that reads nothing. */
    static final long CLOSE_WRITE_TIMEOUT_MS = 5000;

    /** After the close frame is written, how long to wait for the client's answering close. */
    static final long CLOSE_LINGER_MS = 2000;
    private static final byte[] EMPTY = new byte[0];

    private final Channel channel;
    /** The channel's loop, kept here: read by senders on every delivery, the channel's fields stay untouched. */
    private final EventLoop loop;
    /** What other loops hand over to {@link #loop}, this queue's items among them. */
    private final DrainHandoff.Inbox inbox;
    /** The cap, the metrics and the budget: the same for every queue of the node (one reference here). */
    private final Shared shared;
    /** An {@link InetAddress}, formatted only when asked for (admin, logs), or text. */
    private final Object remoteAddress;
    /** 1006: no close frame was exchanged (RFC 6455 7.1.5). */
    private static final int ABNORMAL_CLOSURE = 1006;
    /** The close code of the connection: the first close frame, ours or the client's; 0 before. */
    private volatile int closeCode;
    /** The FIFO, the queued bytes, and what the drain changes on every write; see {@link LoopSide}. */
    private final LoopSide loopSide = new LoopSide();
    /** Shed: what Netty still holds no longer counts against the budget. Event loop only. */
    private boolean shedFromBudget;
    /** Listed by the budget as holding bytes in Netty ({@link OutboundBudget#holding}). Event loop only. */
    private boolean holdingInBudget;
    /**
     * Nothing more is queued but the close: it is queued, or the connection is gone. A volatile
     * field compared-and-set through a VarHandle, like the two flags of {@link LoopSide}, not an
     * AtomicBoolean: 48 bytes less per connection for the three (docs/performance.md, "Idle
     * connections").
     */
    private volatile boolean closing;
    /** The slow-consumer close: frames still queued are discarded, not sent. */
    private volatile boolean discardQueued;
    /** The close this side decided, first one only; read when the connection is released. */
    private volatile CloseStatus closedWith;
    /**
     * The client's close, when it closed before we did; read when the connection is released.
     * Kept here rather than in the session, where it made every session 8 bytes larger
     * (docs/performance.md, "Idle connections"). Event loop only.
     */
    private CloseStatus clientClosedWith;
    /** Whether our close frame has been handed to the channel; frames after it are dropped. Event loop only. */
    private boolean closeSent;
    /** Whether our close frame reached the socket. Event loop only. */
    private boolean closeWritten;
    /** The connection has ended ({@link #inactive}). Event loop only. */
    private boolean gone;

    private static final VarHandle RESUMED;
    private static final VarHandle DRAIN_SCHEDULED;
    private static final VarHandle CLOSING;
    private static final VarHandle QUEUED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RESUMED = l.findVarHandle(LoopSide.class, "resumed", boolean.class);
            DRAIN_SCHEDULED = l.findVarHandle(LoopSide.class, "drainScheduled", boolean.class);
            CLOSING = l.findVarHandle(OutboundQueue.class, "closing", boolean.class);
            QUEUED = l.findVarHandle(LoopSide.class, "queued", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Marks the queue closing; returns whether this call did (it was not closing before). */
    private boolean startClosing() {
        return !closing && CLOSING.compareAndSet(this, false, true);
    }

    /**
     * The FIFO of items (an {@link ItemFifo}: nothing allocated while it is empty, which an idle
     * connection's mostly is) and the bytes queued and not yet written (counted from any thread,
     * given back on the loop), with the fields the drain writes on every write or drain. They live here, not in the
     * queue's own fields, because the fan-out on other loops reads the queue's fields (its
     * channel's loop, whether it is closing) for every delivery: sharing a cache line with
     * fields written per write would cost those loops a cache miss per delivery.
     */
    private static final class LoopSide extends ItemFifo {
        /** The bytes queued and not yet written; changed through {@code QUEUED}. */
        volatile long queued;
        /** Bytes handed to Netty and not yet written. Written on the event loop, read anywhere. */
        volatile long inNetty;
        /** A drain is scheduled or running; cleared by every drain. Set through {@code DRAIN_SCHEDULED}. */
        volatile boolean drainScheduled;
        /** Bytes came back to the budget since a drain stopped for want of them. Set through {@code RESUMED}. */
        volatile boolean resumed;
    }

    /** The batch being encoded, per event loop thread (a drain never runs inside another). */
    private static final FastThreadLocal<ArrayList<Object>> BATCH = new FastThreadLocal<>() {
        @Override
        protected ArrayList<Object> initialValue() {
            return new ArrayList<>();
        }
    };

    /**
     * What every queue of a node shares: the per-connection cap in bytes (docs/protocol.md 4), the
     * node's metrics and its off-heap budget. One object per node (per cap configured), not three
     * fields per connection (docs/performance.md, "Idle connections"). Immutable.
     */
    public record Shared(long capBytes, NodeMetrics metrics, OutboundBudget budget) {
    }

    public OutboundQueue(Channel channel, long capBytes, NodeMetrics metrics) {
        this(channel, capBytes, metrics, String.valueOf(channel.remoteAddress()));
    }

    /** @param remoteAddress the client's address as the transport resolved it */
    public OutboundQueue(Channel channel, long capBytes, NodeMetrics metrics, String remoteAddress) {
        this(channel, capBytes, metrics, remoteAddress, new OutboundBudget(OutboundBudget.UNLIMITED));
    }

    /**
     * A queue whose frames also take from the node's {@code budget} while Netty holds them.
     *
     * @param remoteAddress the client's address: an {@link InetAddress} (kept as is, formatted when
     *     asked for: one string less per idle connection) or its text
     */
    public OutboundQueue(Channel channel, long capBytes, NodeMetrics metrics, Object remoteAddress,
                         OutboundBudget budget) {
        this(channel, remoteAddress, new Shared(capBytes, metrics, budget));
    }

    /** A queue of a node whose queues share {@code shared}; {@code remoteAddress} as above. */
    public OutboundQueue(Channel channel, Object remoteAddress, Shared shared) {
        this.remoteAddress = remoteAddress;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.inbox = DrainHandoff.inboxOf(loop);
        this.shared = shared;
    }

    /** Bytes handed to Netty and not yet written to the socket. */
    long bytesInNetty() {
        return loopSide.inNetty;
    }

    /** Bytes came back to the budget: drain again. */
    void resume() {
        loopSide.resumed = true;
        scheduleDrain();
    }

    /**
     * Closes 1008 {@code slow consumer} because the node's budget is spent and this connection
     * holds the most of it; returns {@code false} if it was already closing.
     */
    boolean shed() {
        if (!startClosing()) {
            return false;
        }
        discardQueued = true;
        closeCode = CloseCode.POLICY_VIOLATION.code();
        shared.metrics().slowConsumer();
        queueClose(new Close(CloseCode.POLICY_VIOLATION.code(), "slow consumer"));
        // What Netty holds for it goes with the connection (its close is written, or the write
        // deadline drops it): the others need not wait for that, so it stops counting now.
        try {
            channel.eventLoop().execute(() -> {
                if (!shedFromBudget) {
                    shedFromBudget = true;
                    shared.budget().give(loopSide.inNetty);
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down: every channel closes
        }
        return true;
    }

    /** The client sent its close frame first; counted as the connection's close code unless we closed first. */
    void clientClosed(int code) {
        if (closeCode == 0) {
            closeCode = code;
        }
    }

    @Override
    public void send(byte[] frame) {
        if (!closing) {
            offer(frame);
        }
    }

    @Override
    public void send(FrameSlices frame) {
        if (!closing) {
            offer(new Slices(frame));
        }
    }

    @Override
    public void ping() {
        if (closing) {
            return;
        }
        Control ping = new Control(true, EMPTY);
        if (DrainHandoff.isGathering() && enqueue(ping)) {
            // From the keepalive sweep: queued now, in order, but not drained for it at once.
            // Under traffic it leaves with the connection's next frames, in the same write,
            // instead of a write (and a wake-up of the client) of its own per connection.
            DrainHandoff.nudgeLater(this, loop);
            return;
        }
        offer(ping);
    }

    /**
     * Drains if anything waits: the end of a ping's linger ({@link DrainHandoff#nudgeLater}). On
     * the event loop.
     */
    void nudge() {
        if (hasItems() && mayDrain()) {
            scheduleDrain();
        }
    }

    /** Queues the pong answering a client's ping (RFC 6455 5.5.3), with a copy of its payload. */
    public void pong(ByteBuf payload) {
        if (!closing) {
            offer(new Control(false, ByteBufUtil.getBytes(payload)));
        }
    }

    @Override
    public void close(int code, String reason) {
        if (startClosing()) {
            closeCode = code;
            closedWith = new CloseStatus(code, reason == null ? "" : reason);
            queueClose(new Close(code, reason));
        }
    }

    /** The client's close frame (code and reason); it ended the connection unless we had closed first. Event loop only. */
    void closedByClient(CloseStatus status) {
        if (clientClosedWith == null && !closing) {
            clientClosedWith = status;
        }
    }

    /** The client's close when it closed first, or null. Event loop only. */
    CloseStatus clientClosedWith() {
        return clientClosedWith;
    }

    /** The close this side decided (code and reason), or null when it decided none. */
    public CloseStatus closedWith() {
        return closedWith;
    }

    /** The channel's event loop (the session asks here rather than keep it too). */
    EventLoop loop() {
        return loop;
    }

    /** The connection's channel (the session asks here rather than keep it too). */
    Channel channel() {
        return channel;
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public long queuedBytes() {
        return loopSide.queued;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress instanceof InetAddress a ? a.getHostAddress() : String.valueOf(remoteAddress);
    }

    private void offer(Object item) {
        if (DrainHandoff.defer(this, item, loop)) {
            return;
        }
        if (loop.inEventLoop()) {
            // What other loops handed over before goes in first (e.g. a message whose publisher
            // was acked before this connection's ping came in: its pong follows the message).
            inbox.runPending();
        }
        accept(item);
    }

    /**
     * Queues an item: on the connection's loop (carried there by {@link DrainHandoff#defer}), or
     * on the thread that sends when that is no event loop. A close is queued as it is; a frame
     * that would take the queue past its cap closes the connection as a slow consumer instead.
     */
    void accept(Object item) {
        if (enqueue(item)) {
            scheduleDrain();
        }
    }

    /**
     * Puts an item into the FIFO, counted against the cap; returns whether it went in (not past
     * the cap, which closes as a slow consumer instead; not after the connection ended).
     */
    private boolean enqueue(Object item) {
        if (gone) {
            return false; // carried here after the connection ended: nothing goes out any more
        }
        if (item instanceof Close) {
            loopSide.add(item);
            return true;
        }
        int len = counted(item);
        if (addQueued(len) > shared.capBytes()) {
            addQueued(-len);
            if (startClosing()) {
                discardQueued = true;
                closeCode = CloseCode.POLICY_VIOLATION.code();
                shared.metrics().slowConsumer();
                closedWith = new CloseStatus(CloseCode.POLICY_VIOLATION.code(), "slow consumer");
                queueClose(new Close(CloseCode.POLICY_VIOLATION.code(), "slow consumer"));
            }
            return false;
        }
        loopSide.add(item);
        return true;
    }

    private void queueClose(Close close) {
        try {
            // A client that reads nothing must not hold the connection for ever.
            channel.eventLoop().schedule(() -> {
                if (!closeWritten) {
                    channel.close();
                }
            }, CLOSE_WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return; // the server is shutting down and closes every channel itself
        }
        // The same way as the frames this thread queued before it, so that it stays behind them.
        offer(close);
    }

    private void scheduleDrain() {
        // Read before the CAS: under fan-out the drain is usually already scheduled, and a read
        // does not take the cache line from the loop that clears the flag.
        if (!loopSide.drainScheduled && DRAIN_SCHEDULED.compareAndSet(loopSide, false, true)) {
            try {
                DrainHandoff.schedule(this, loop);
            } catch (RejectedExecutionException e) {
                discardAll(); // the server is shutting down
            }
        }
    }

    /**
     * Whether a drain is scheduled (it flushes the channel when it writes): read on the event
     * loop right after queueing, so the upgrade knows whether its unflushed {@code 101} leaves
     * with the welcome.
     */
    boolean drainPending() {
        return loopSide.drainScheduled;
    }

    /** Whether the drain may hand the channel more: dropping needs no room, the rest waits for it. */
    private boolean mayDrain() {
        return closeSent || discardQueued || channel.isWritable();
    }

    /**
     * The item at the head, left in the FIFO until it is handled ({@link #taken}): a frame the
     * budget refused stays there until {@link #resume}. Event loop only.
     */
    private Object head() {
        return loopSide.peek();
    }

    /** The head item is handled. Event loop only. */
    private void taken() {
        loopSide.remove();
    }

    private long addQueued(long delta) {
        return (long) QUEUED.getAndAdd(loopSide, delta) + delta;
    }

    /** Writes what the channel can take, in batches, then flushes once. Event loop only. */
    void drain() {
        if (loopSide.resumed) { // a store only when set: this runs once per delivery under fan-out
            loopSide.resumed = false;
        }
        boolean blocked = false;
        boolean wrote = false;
        Object item;
        while (mayDrain() && (item = head()) != null) {
            if (item instanceof Close c) {
                taken();
                writeClose(c);
                wrote = true;
            } else if (closeSent || discardQueued) {
                taken();
                addQueued(-counted(item));
            } else {
                wrote = true;
                if (writeBatch()) {
                    blocked = true; // the node's budget is spent: wait for resume()
                    break;
                }
            }
        }
        if (wrote) {
            channel.flush();
            // What the socket did not take stays in Netty: only then is this a candidate for
            // shedding. Usually the flush wrote everything and its writes have completed.
            if (loopSide.inNetty > 0 && !holdingInBudget && !gone) {
                holdingInBudget = true;
                shared.budget().holding(this);
            }
        }
        loopSide.drainScheduled = false;
        // An item queued after the loop ended but before the flag was cleared found the flag set
        // and scheduled nothing: pick it up. Items left because the channel is full wait for
        // channelWritabilityChanged, those left for want of budget for resume() (which may
        // already have come, while this drain still held the flag).
        if (hasItems() && mayDrain() && (!blocked || (boolean) RESUMED.getAndSet(loopSide, false))) {
            scheduleDrain();
        }
    }

    private boolean hasItems() {
        return !loopSide.isEmpty();
    }

    /**
     * Writes the data frames at the head, as many as the channel takes before it turns
     * unwritable (at least one) and the budget allows, encoded into one direct buffer: one
     * write, one promise, and the bytes given back together once it is written. Returns whether
     * the budget refused a frame (left aside until {@link #resume}). Event loop only.
     */
    private boolean writeBatch() {
        long room = Math.max(1, channel.bytesBeforeUnwritable());
        ArrayList<Object> batch = BATCH.get();
        int counted = 0;
        int wire = 0;
        boolean refused = false;
        Object item;
        while (wire < room && (item = head()) != null && !(item instanceof Close)) {
            int len = counted(item);
            if (!shared.budget().take(len, this)) {
                refused = true;
                break;
            }
            taken();
            batch.add(item);
            counted += len;
            wire += wireBytes(item);
        }
        if (batch.isEmpty()) {
            return refused;
        }
        ByteBuf buf = channel.alloc().directBuffer(wire);
        for (int i = 0, n = batch.size(); i < n; i++) {
            writeTo(buf, batch.get(i));
        }
        batch.clear(); // before the write: a failed write completes (and may drain others) at once
        int n = counted;
        loopSide.inNetty += n; // event loop only
        channel.write(buf).addListener(f -> {
            loopSide.inNetty -= n;
            if (loopSide.inNetty == 0 && holdingInBudget) {
                holdingInBudget = false;
                shared.budget().notHolding(this);
            }
            addQueued(-n);
            if (!shedFromBudget) {
                shared.budget().give(n);
            }
        });
        return refused;
    }

    private void writeClose(Close c) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        if (!channel.isActive()) {
            return;
        }
        channel.write(new CloseWebSocketFrame(c.code(), c.reason())).addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
                return;
            }
            closeWritten = true;
            // We send nothing more: a FIN right behind the close frame. Input stays open, so what
            // the client still sends is read (and ignored) instead of answered with a reset; its
            // close, or its EOF, ends the connection (WebSocketFrameHandler), else the deadline.
            // Not under TLS, where the handler owns the end of the stream.
            if (channel instanceof DuplexChannel duplex && channel.pipeline().get(SslHandler.class) == null) {
                duplex.shutdownOutput();
            }
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSE_LINGER_MS, TimeUnit.MILLISECONDS);
        });
    }

    /**
     * Lets go of everything queued (the connection is gone, or the server is shutting down). On
     * the event loop, or on another thread once the loop refuses tasks: then only if the loop has
     * terminated, since the FIFO has one consumer (a loop still shutting down may be draining;
     * what it holds goes with the process).
     */
    void discardAll() {
        if (!loop.inEventLoop() && !loop.isTerminated()) {
            return;
        }
        Object item;
        while ((item = loopSide.remove()) != null) {
            addQueued(-counted(item));
        }
    }

    /**
     * The connection is gone: nothing more is queued, and what waits is let go. Called once, on
     * the event loop, by whoever owns the channel's end (the session, or this handler when it is
     * installed in a pipeline).
     */
    public void inactive() {
        gone = true;
        closing = true;
        // Ours if we closed first, the client's if it did, 1006 if nobody sent a close frame.
        shared.metrics().closed(closeCode == 0 ? ABNORMAL_CLOSURE : closeCode);
        discardAll();
        shared.budget().unregister(this);
    }

    /** The channel's writability changed: drain again once the socket takes more. Event loop only. */
    public void writabilityChanged() {
        if (channel.isWritable() && hasItems()) {
            scheduleDrain();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        inactive();
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        writabilityChanged();
        super.channelWritabilityChanged(ctx);
    }
}
