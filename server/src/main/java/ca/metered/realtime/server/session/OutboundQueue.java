package ca.metered.realtime.server.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's outbound path: a FIFO of encoded frames and, last, the close, bounded in
 * bytes (protocol.md 4: a subscriber over the cap is a slow consumer).
 *
 * <p>Every item — frames from any thread, the connection's own loop included, and the close —
 * goes through this one queue: an inline write from the loop would overtake frames other threads
 * had already queued (protocol.md 2.3: a {@code left} before a later {@code joined} of the same
 * peerId, the joined delta before what the newcomer sends next; a pong after everything queued
 * before). One drain task on the channel's event loop empties it and flushes once per batch,
 * rather than a task and a flush per frame on the fan-out path.
 *
 * <p>Thread-safe: {@link #offer} and {@link #close} from any thread; the drain runs on the loop.
 */
final class OutboundQueue {
    /** How long a close waits for the client's answering close before dropping TCP. */
    private static final long CLOSE_WAIT_SECONDS = 2;

    private final Channel channel;
    private final long capBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Frames ({@code byte[]}) and a {@link PendingClose}, in the order they must go out. */
    private final ConcurrentLinkedQueue<Object> items = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Whether our close frame has been written; frames after it are dropped. Event loop only. */
    private boolean closeSent;

    OutboundQueue(Channel channel, long capBytes) {
        this.channel = channel;
        this.capBytes = capBytes;
    }

    /**
     * Queues one encoded text frame (shared with other connections; not modified).
     *
     * @return {@code false}, queuing nothing, when it would take the queue over its byte cap
     */
    boolean offer(byte[] frame) {
        int len = frame.length;
        if (queuedBytes.addAndGet(len) > capBytes) {
            queuedBytes.addAndGet(-len);
            return false;
        }
        enqueue(frame);
        return true;
    }

    /** Queues the close frame behind everything queued before it. */
    void close(int code, String reason) {
        enqueue(new PendingClose(code, reason));
    }

    /** Bytes queued and not yet written to the socket. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    private void enqueue(Object item) {
        items.add(item);
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this::drain);
            } catch (RejectedExecutionException e) {
                discard(); // the server is shutting down
            }
        }
    }

    /** Writes everything queued, then flushes once. Event loop only. */
    private void drain() {
        Object item;
        while ((item = items.poll()) != null) {
            if (item instanceof byte[] frame) {
                int len = frame.length;
                if (closeSent) {
                    queuedBytes.addAndGet(-len);
                } else {
                    channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)))
                            .addListener(f -> queuedBytes.addAndGet(-len));
                }
            } else {
                writeClose((PendingClose) item);
            }
        }
        channel.flush();
        drainScheduled.set(false);
        // An item queued after the poll loop ended but before the flag was cleared found the flag
        // set and scheduled nothing: pick it up.
        if (!items.isEmpty()) {
            scheduleDrain();
        }
    }

    private void writeClose(PendingClose c) {
        if (!channel.isActive()) {
            return;
        }
        closeSent = true;
        // Do not close the TCP connection as soon as the close frame is written: a client that is
        // still sending (a flood → 4011, a fragmented oversize message → 1009) would leave unread
        // bytes in our receive buffer, the kernel would answer with RST, and the client would see
        // a reset (1006) instead of the code it must act on (protocol.md 4). As RFC 6455 7.1.1
        // asks, keep reading (and ignoring) until the client's close arrives, which makes
        // WebSocketFrameHandler close the connection.
        channel.write(new CloseWebSocketFrame(c.code(), c.reason()));
        // A peer that reads nothing or never answers the close: do not wait on it forever.
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private void discard() {
        Object item;
        while ((item = items.poll()) != null) {
            if (item instanceof byte[] frame) {
                queuedBytes.addAndGet(-frame.length);
            }
        }
    }

    /** A close queued behind the frames before it. */
    private record PendingClose(int code, String reason) {
    }
}
