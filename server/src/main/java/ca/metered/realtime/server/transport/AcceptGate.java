package ca.metered.realtime.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stops accepting while the process holds too many client descriptors, and accepts again once
 * enough have closed. Sits on the listening socket, before Netty's acceptor, and counts every
 * accepted socket from {@code accept} until its close completes.
 *
 * <p>Why beside the {@link ConnectionBudget}: the budget decides on a connection's own event loop,
 * after {@code accept}, and a connection it evicts or refuses keeps its descriptor until the close
 * runs on that connection's loop. In a flood the listening socket accepts faster than the loops
 * initialize and close, so the descriptors really held can run past the budget's cap by the
 * backlog of that work, into the reserve, until {@code accept} fails with EMFILE. This gate bounds
 * that backlog: past the ceiling, new connections wait in the kernel's accept queue (no
 * descriptor in this process) instead.
 *
 * <p>One gate per listening socket. Thread-safe: {@link #channelRead} runs on the listening
 * socket's loop; closes are counted on the closing connection's loop, and a resume is handed to
 * the listening socket's loop.
 */
@ChannelHandler.Sharable
final class AcceptGate extends ChannelInboundHandlerAdapter {
    private final int ceiling;
    private final int resumeBelow;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    /** The close listener of every socket accepted: one object, not one per connection. */
    private final ChannelFutureListener release = f -> released();
    /** The same and the connection budget's, for admitted sockets ({@link #admitted}); made once. */
    private volatile Both both;
    /** The listening socket's context, where a pause is lifted. */
    private volatile ChannelHandlerContext listening;

    /**
     * @param ceiling descriptors of accepted sockets at which accepting pauses ({@code
     *     Integer.MAX_VALUE}: never)
     * @param resumeBelow accepting resumes when fewer than this many are held
     */
    AcceptGate(int ceiling, int resumeBelow) {
        if (resumeBelow > ceiling || resumeBelow < 1) {
            throw new IllegalArgumentException("resumeBelow " + resumeBelow + " not in 1.." + ceiling);
        }
        this.ceiling = ceiling;
        this.resumeBelow = resumeBelow;
    }

    /**
     * The gate for a connection cap of {@code maxOpen} (the budget's, reserve already taken off)
     * and a descriptor reserve of {@code reserve}: probes, in-flight closes and not-yet-initialized
     * accepts may use up to half the reserve (at least the probe slots), the rest stays for the
     * JVM, Redis and logs.
     */
    static AcceptGate of(int maxOpen, int reserve) {
        if (maxOpen == Integer.MAX_VALUE) {
            return new AcceptGate(Integer.MAX_VALUE, Integer.MAX_VALUE);
        }
        int c = (int) Math.min(Integer.MAX_VALUE, (long) maxOpen + Math.max(ConnectionBudget.PROBE_SLOTS, reserve / 2));
        return new AcceptGate(c, Math.max(1, c - Math.max(1, reserve / 4)));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            int now = held.incrementAndGet();
            if (listening != ctx) {
                listening = ctx;
            }
            child.closeFuture().addListener(release);
            if (now >= ceiling && paused.compareAndSet(false, true)) {
                ctx.channel().config().setAutoRead(false);
                // A close may have counted down between the increment and the pause, seeing no
                // pause to lift: check again now that the pause is visible.
                resumeIfRoom(ctx);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The socket {@code child}, accepted through this gate, was admitted by the connection
     * budget, whose close listener is {@code budgetRelease}: from now on one listener counts its
     * close for both — the budget first, then this gate — instead of two, which would cost the
     * channel's close future a listener array (48 bytes per connection, docs/performance.md,
     * "Idle connections"). Sockets refused or never initialized keep this gate's listener only,
     * so the budget never sees the close of a socket it did not admit. On the child's event loop,
     * where its close completes: the swap cannot race with it.
     */
    void admitted(Channel child, ChannelFutureListener budgetRelease) {
        ChannelFuture closed = child.closeFuture();
        if (closed.isDone()) {
            closed.addListener(budgetRelease); // runs at once; this gate's listener already ran
            return;
        }
        Both b = both;
        if (b == null || b.budgetRelease != budgetRelease) {
            both = b = new Both(budgetRelease);
        }
        closed.removeListener(release);
        closed.addListener(b);
    }

    /** An admitted socket's close: the budget's release, then this gate's. */
    private final class Both implements ChannelFutureListener {
        final ChannelFutureListener budgetRelease;

        Both(ChannelFutureListener budgetRelease) {
            this.budgetRelease = budgetRelease;
        }

        @Override
        public void operationComplete(ChannelFuture f) throws Exception {
            try {
                budgetRelease.operationComplete(f);
            } finally {
                released();
            }
        }
    }

    private void released() {
        if (held.decrementAndGet() < resumeBelow && paused.get()) {
            ChannelHandlerContext ctx = listening;
            ctx.executor().execute(() -> resumeIfRoom(ctx));
        }
    }

    /** Listening socket's loop only. */
    void resumeIfRoom(ChannelHandlerContext ctx) {
        if (held.get() < resumeBelow && paused.compareAndSet(true, false)) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Whether accepting is paused by this gate (not by an accept error's own short pause). */
    boolean isPaused() {
        return paused.get();
    }

    int held() {
        return held.get();
    }
}
