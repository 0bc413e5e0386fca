package ca.metered.realtime.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;

/**
 * The generator's WebSocket frame decoder (RFC 6455 5.2), installed by the {@link Handshake}
 * where Netty's handshaker would put its {@code WebSocket13FrameDecoder}: a data message is
 * handed to its {@link Peer} as a window of the bytes read ({@link Peer#onMessage}), without a
 * frame object, a retained slice and a trip through an aggregator and a protocol handler per
 * message. At 200,000 deliveries a
 * second on the machine that also runs the server, what the generator spends per message is CPU
 * the server under test does not get; rms sends one WebSocket message per delivery, nats-server
 * packs several into one, so a per-message cost weighed on rms's runs more than on nats's.
 *
 * <p>Fragmented messages are joined (up to {@code maxMessage} bytes); control frames (ping, pong,
 * close) are decoded into Netty's frame objects and passed on to the {@link Peer}, which answers
 * pings and reads the close. A masked frame from the server, a
 * reserved bit or opcode, or a fragment out of place is a protocol error: the connection closes.
 *
 * <p>Confined to its channel's event loop.
 */
final class FrameReader extends ChannelInboundHandlerAdapter implements WebSocketFrameDecoder {
    private static final int OP_CONTINUATION = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;
    private static final int OP_PONG = 10;

    private final Peer peer;
    private final int maxMessage;
    /** Bytes of a frame cut by the end of a read, kept until the rest arrives. */
    private ByteBuf partial;
    /** The fragments of a message whose last frame has not arrived; null between messages. */
    private CompositeByteBuf fragments;
    private boolean fragmentsText;
    private boolean failed;

    FrameReader(Peer peer, int maxMessage) {
        this.peer = peer;
        this.maxMessage = maxMessage;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            in.release();
            return;
        }
        ByteBuf buf = in;
        if (partial != null) {
            buf = partial.writeBytes(in);
            in.release();
        }
        try {
            readFrames(ctx, buf);
        } catch (RuntimeException e) {
            // A protocol error, or the peer failed on a message: the connection ends (Peer closes
            // it on the exception) and nothing more is read.
            failed = true;
            ctx.fireExceptionCaught(e);
        }
        if (buf == partial) {
            if (!buf.isReadable() || failed) {
                partial.release();
                partial = null;
            } else {
                partial.discardSomeReadBytes();
            }
        } else {
            if (buf.isReadable() && !failed) {
                // Rare (a read ended inside a frame): keep the rest, in a buffer of our own that
                // the next reads are appended to (a large frame is copied once, not per read).
                partial = ctx.alloc().heapBuffer(Math.max(buf.readableBytes() * 2, 256));
                partial.writeBytes(buf);
            }
            buf.release();
        }
    }

    private void readFrames(ChannelHandlerContext ctx, ByteBuf buf) {
        while (!failed && buf.readableBytes() >= 2) {
            int start = buf.readerIndex();
            int b0 = buf.getUnsignedByte(start);
            int b1 = buf.getUnsignedByte(start + 1);
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            if ((b0 & 0x70) != 0) {
                throw new CorruptedFrameException("reserved bits set without an extension");
            }
            if ((b1 & 0x80) != 0) {
                throw new CorruptedFrameException("a server must not mask its frames (RFC 6455 5.1)");
            }
            int len7 = b1 & 0x7F;
            int header = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
            if (buf.readableBytes() < header) {
                return;
            }
            long length = len7 == 126 ? buf.getUnsignedShort(start + 2) : len7 == 127 ? buf.getLong(start + 2) : len7;
            if (length < 0 || length > maxMessage) {
                throw new TooLongFrameException("frame of " + length + " bytes");
            }
            int from = start + header;
            int to = from + (int) length;
            if (buf.writerIndex() < to) {
                return;
            }
            buf.readerIndex(to);
            frame(ctx, buf, fin, opcode, from, to);
        }
    }

    private void frame(ChannelHandlerContext ctx, ByteBuf buf, boolean fin, int opcode, int from, int to) {
        switch (opcode) {
            case OP_TEXT, OP_BINARY -> {
                if (fragments != null) {
                    throw new CorruptedFrameException("a new message inside a fragmented one");
                }
                if (fin) {
                    deliver(buf, from, to, opcode == OP_TEXT);
                } else {
                    fragments = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
                    fragmentsText = opcode == OP_TEXT;
                    fragments.addComponent(true, buf.retainedSlice(from, to - from));
                }
            }
            case OP_CONTINUATION -> {
                if (fragments == null) {
                    throw new CorruptedFrameException("a continuation frame without a message");
                }
                if (fragments.readableBytes() + (to - from) > maxMessage) {
                    throw new TooLongFrameException("message over " + maxMessage + " bytes");
                }
                fragments.addComponent(true, buf.retainedSlice(from, to - from));
                if (fin) {
                    CompositeByteBuf whole = fragments;
                    fragments = null;
                    try {
                        deliver(whole, whole.readerIndex(), whole.writerIndex(), fragmentsText);
                    } finally {
                        whole.release();
                    }
                }
            }
            case OP_PING, OP_PONG, OP_CLOSE -> {
                if (!fin || to - from > 125) {
                    throw new CorruptedFrameException("control frame fragmented or over 125 bytes");
                }
                ByteBuf payload = buf.retainedSlice(from, to - from);
                ctx.fireChannelRead(opcode == OP_PING ? new PingWebSocketFrame(payload)
                        : opcode == OP_PONG ? new PongWebSocketFrame(payload)
                        : new CloseWebSocketFrame(true, 0, payload));
            }
            default -> throw new CorruptedFrameException("reserved opcode " + opcode);
        }
    }

    /** Hands the peer {@code [from, to)} of {@code buf} as a buffer's readable bytes, then restores it. */
    private void deliver(ByteBuf buf, int from, int to, boolean text) {
        int reader = buf.readerIndex();
        int writer = buf.writerIndex();
        buf.setIndex(from, to);
        try {
            peer.onMessage(buf, text);
        } finally {
            buf.setIndex(reader, writer);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (partial != null) {
            partial.release();
            partial = null;
        }
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
    }
}
