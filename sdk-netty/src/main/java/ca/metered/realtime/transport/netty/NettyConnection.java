package ca.metered.realtime.transport.netty;

import ca.metered.realtime.client.transport.WebSocketConnection;
import ca.metered.realtime.client.transport.WebSocketListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client WebSocket on a Netty channel. Every listener call happens on the channel's event loop
 * (so they are sequential), {@code onClose} exactly once. Sends from any thread go through a queue
 * drained on the event loop with one flush per drain, so a burst of publishes costs one task and one
 * syscall, not one each; a close is written after everything queued before it.
 */
final class NettyConnection implements WebSocketConnection {
    private final WebSocketListener listener;
    private final Queue<String> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private volatile Channel channel;
    private volatile boolean open;
    private volatile boolean closing;
    // Event-loop confined.
    private boolean closeReported;
    private int closeCode = -1;
    private String closeReason = "";

    NettyConnection(WebSocketListener listener) {
        this.listener = listener;
    }

    void attach(Channel channel) {
        this.channel = channel;
    }

    ChannelHandler handler() {
        return new Handler();
    }

    @Override
    public boolean send(String text) {
        if (!open || closing) {
            return false;
        }
        outbox.add(text);
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drain);
        }
        return true;
    }

    /** Writes everything queued, one flush. Event loop only. */
    private void drain() {
        drainScheduled.set(false);
        Channel ch = channel;
        boolean wrote = false;
        String text;
        while ((text = outbox.poll()) != null) {
            ch.write(new TextWebSocketFrame(text));
            wrote = true;
        }
        if (wrote) {
            ch.flush();
        }
    }

    @Override
    public void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        Channel ch = channel;
        ch.eventLoop().execute(() -> {
            if (!open) {
                ch.close(); // still connecting: abandon; the close is reported as 1006
                return;
            }
            drain();
            ch.writeAndFlush(new CloseWebSocketFrame(code, reason));
            ch.eventLoop().schedule(() -> {
                if (ch.isOpen()) {
                    closeCode = 1006;
                    closeReason = "close handshake timed out";
                    ch.close();
                }
            }, NettyWebSocketTransport.CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        });
    }

    /** The TCP connect failed; the channel never became active. Event loop. */
    void connectFailed(Throwable cause) {
        if (!closeReported) {
            listener.onError(cause);
        }
        reportClose(1006, closing ? "closed while connecting" : "connect failed");
    }

    private void reportClose(int code, String reason) {
        if (closeReported) {
            return;
        }
        closeReported = true;
        open = false;
        outbox.clear();
        listener.onClose(code, reason);
    }

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                if (closing) {
                    ctx.close();
                    return;
                }
                open = true;
                listener.onOpen();
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                closeCode = 1006;
                closeReason = "connect failed";
                ctx.close();
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                if (!closeReported) {
                    listener.onText(text.text());
                }
            } else if (frame instanceof CloseWebSocketFrame close) {
                int code = close.statusCode() < 0 ? WebSocketCloseStatus.EMPTY.code() : close.statusCode();
                closeCode = code;
                closeReason = close.reasonText();
                if (closing) {
                    ctx.close(); // the server answered our close
                } else {
                    // Echo the close payload as received (RFC 6455 5.5.1), then drop the connection.
                    ctx.writeAndFlush(new CloseWebSocketFrame(true, 0, close.content().retainedDuplicate()))
                            .addListener(f -> ctx.close());
                }
            }
            // binary frames: the protocol is text only; ignored
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof CorruptedWebSocketFrameException || cause instanceof TooLongFrameException) {
                if (closeCode < 0) {
                    closeCode = 1009;
                    closeReason = "frame exceeded client cap";
                }
            } else if (!open) {
                closeCode = 1006;
                closeReason = "connect failed";
            }
            if (!closeReported) {
                listener.onError(cause);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (closeCode < 0) {
                reportClose(1006, open ? "abnormal closure" : "connect failed");
            } else {
                reportClose(closeCode, closeReason);
            }
            super.channelInactive(ctx);
        }
    }
}
