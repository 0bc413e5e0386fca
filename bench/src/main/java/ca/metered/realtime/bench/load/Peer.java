package ca.metered.realtime.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.CompletableFuture;

/**
 * One load-generator connection, speaking one server's protocol over a WebSocket: becomes
 * {@link #ready()} when the server greeted it, joins one room at a time with
 * {@link #subscribe(String)}, publishes timestamped bodies ({@link Payload}) and reports what
 * arrives to its {@link PeerListener}.
 *
 * <p>A room is a plain name ({@code [a-z0-9-]}); each protocol maps it to its own namespace
 * (rms channel {@code bench/<room>}, NATS subject {@code bench.<room>}).
 *
 * <p>Confined to its channel's event loop, except {@link #subscribe}, {@link #publish} and
 * {@link #close}, which may be called from any thread (they hop onto the loop when needed).
 */
public abstract class Peer extends SimpleChannelInboundHandler<WebSocketFrame> {
    protected final PeerListener listener;
    private final int index;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Channel channel;
    private volatile int closeCode = 1006;
    /** The subscribe in flight (one at a time); completed by the protocol's confirmation. */
    protected CompletableFuture<Void> pendingSubscribe;

    protected Peer(int index, PeerListener listener) {
        this.index = index;
        this.listener = listener;
    }

    /** The workload's number for this connection. */
    public int index() {
        return index;
    }

    /** Completes when the server has greeted the connection (rms {@code welcome}, NATS {@code INFO}). */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Joins {@code room}; completes when the server confirmed it (rms {@code ack}; NATS {@code PONG} after {@code SUB}). */
    public final CompletableFuture<Void> subscribe(String room) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null) {
            done.completeExceptionally(new IllegalStateException("not connected"));
            return done;
        }
        ch.eventLoop().execute(() -> {
            if (pendingSubscribe != null) {
                done.completeExceptionally(new IllegalStateException("a subscribe is already in flight"));
                return;
            }
            pendingSubscribe = done;
            sendSubscribe(room);
        });
        return done;
    }

    /**
     * Publishes one body of the configured size stamped now, to {@code room}. Call on this
     * peer's event loop ({@link #channel()}{@code .eventLoop()}). Written, not flushed: call
     * {@link #flush()} after a batch.
     *
     * @param ack whether the server should confirm it ({@link PeerListener#acked}; rms only)
     */
    public abstract void publish(String room, boolean ack);

    public final void flush() {
        channel.flush();
    }

    /** The Netty channel once the TCP connection is up (for its event loop). */
    public Channel channel() {
        return channel;
    }

    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    /** The close code the server sent, or 1006 if none (yet). */
    public int closeCode() {
        return closeCode;
    }

    /** Closes the connection with a WebSocket close 1000 and then TCP. */
    public void close() {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new CloseWebSocketFrame(1000, "bench done")).addListener(f -> ch.close());
        }
    }

    protected abstract void sendSubscribe(String room);

    /** One complete WebSocket message (text or binary). */
    protected abstract void onMessage(ByteBuf content, boolean text);

    protected final void markReady() {
        ready.complete(null);
    }

    protected final void completeSubscribe() {
        CompletableFuture<Void> p = pendingSubscribe;
        pendingSubscribe = null;
        if (p != null) {
            p.complete(null);
        }
    }

    protected final void failSubscribe(String why) {
        CompletableFuture<Void> p = pendingSubscribe;
        pendingSubscribe = null;
        if (p != null) {
            p.completeExceptionally(new IllegalStateException(why));
        }
    }

    /** The TCP connect or the handshake failed before the channel became active. */
    public void connectFailed(Throwable cause) {
        ready.completeExceptionally(cause);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            onMessage(frame.content(), frame instanceof TextWebSocketFrame);
        } else if (frame instanceof CloseWebSocketFrame close) {
            closeCode = close.statusCode();
            // Answer the close (RFC 6455 5.5.1), then drop TCP.
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), "")).addListener(f -> ctx.close());
        } else if (frame instanceof PingWebSocketFrame) {
            // A pong with the ping's payload (RFC 6455 5.5.3); pongs are dropped.
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        IllegalStateException gone = new IllegalStateException("connection closed (" + closeCode + ")");
        ready.completeExceptionally(gone);
        failSubscribe(gone.getMessage());
        listener.closed(this, closeCode);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ready.completeExceptionally(cause);
        ctx.close();
    }
}
