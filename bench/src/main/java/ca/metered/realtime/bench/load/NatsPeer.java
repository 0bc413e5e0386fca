package ca.metered.realtime.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * A {@link Peer} speaking the NATS client protocol (text commands, {@code MSG} with a length-
 * prefixed payload) inside WebSocket binary messages, as nats-server's {@code websocket} listener
 * expects. A room is the subject {@code bench.<room>}; the publisher connects with
 * {@code echo:false} and no {@code verbose} {@code +OK}s, which matches rms (no echo, silent
 * success without a requestId).
 *
 * <p>A WebSocket message may hold several protocol operations or part of one, so the bytes are
 * accumulated and parsed as a stream.
 */
public final class NatsPeer extends Peer {
    private static final byte[] CONNECT = ("CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":false,"
            + "\"echo\":false,\"protocol\":1,\"name\":\"rms-bench\",\"lang\":\"java\",\"version\":\"1\"}\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "PONG\r\n".getBytes(StandardCharsets.US_ASCII);

    private final byte[] padding;
    private final int messageSize;
    private ByteBuf stream;
    /** Payload bytes still expected after a {@code MSG} line, or -1 while reading lines. */
    private int payloadLength = -1;
    private int nextSid = 1;

    public NatsPeer(int index, PeerListener listener, int messageSize) {
        super(index, listener);
        this.messageSize = messageSize;
        this.padding = Payload.natsPadding(messageSize);
    }

    /** The subject of a room. */
    public static String subjectOf(String room) {
        return "bench." + room;
    }

    @Override
    protected void sendSubscribe(String room) {
        // PING after SUB: the PONG tells us the server has processed the SUB.
        sendText("SUB " + subjectOf(room) + " " + (nextSid++) + "\r\nPING\r\n");
    }

    @Override
    public void publish(String room, boolean ack) {
        ByteBuf out = channel().alloc().buffer(messageSize + 64);
        out.writeCharSequence("PUB " + subjectOf(room) + " " + messageSize + "\r\n", StandardCharsets.US_ASCII);
        Payload.writeNats(out, Payload.stamp(), padding);
        out.writeByte('\r').writeByte('\n');
        channel().write(new BinaryWebSocketFrame(out));
    }

    private void sendText(String ops) {
        ByteBuf out = channel().alloc().buffer(ops.length());
        out.writeCharSequence(ops, StandardCharsets.US_ASCII);
        channel().writeAndFlush(new BinaryWebSocketFrame(out));
    }

    @Override
    protected void onMessage(ByteBuf content, boolean text) {
        if (stream == null) {
            stream = channel().alloc().heapBuffer(4096);
        }
        stream.writeBytes(content);
        parse();
        stream.discardSomeReadBytes();
    }

    private void parse() {
        while (true) {
            if (payloadLength >= 0) {
                if (stream.readableBytes() < payloadLength + 2) {
                    return;
                }
                long stamp = Payload.readNats(stream, stream.readerIndex(), payloadLength);
                if (stamp > 0) {
                    listener.delivered(this, stamp);
                }
                stream.skipBytes(payloadLength + 2);
                payloadLength = -1;
                continue;
            }
            int start = stream.readerIndex();
            int nl = stream.indexOf(start, stream.writerIndex(), (byte) '\n');
            if (nl < 0) {
                return;
            }
            int end = nl > start && stream.getByte(nl - 1) == '\r' ? nl - 1 : nl;
            stream.readerIndex(nl + 1);
            onLine(start, end);
        }
    }

    private void onLine(int start, int end) {
        int len = end - start;
        if (len < 2) {
            return;
        }
        byte c0 = stream.getByte(start);
        byte c1 = stream.getByte(start + 1);
        if (c0 == 'M') { // MSG <subject> <sid> [reply-to] <#bytes>
            payloadLength = lastNumber(start, end);
        } else if (c0 == 'P' && c1 == 'I') { // PING
            ByteBuf out = channel().alloc().buffer(PONG.length).writeBytes(PONG);
            channel().writeAndFlush(new BinaryWebSocketFrame(out));
        } else if (c0 == 'P' && c1 == 'O') { // PONG: answers the PING sent after a SUB
            completeSubscribe();
        } else if (c0 == 'I') { // INFO {...}
            ByteBuf out = channel().alloc().buffer(CONNECT.length).writeBytes(CONNECT);
            channel().writeAndFlush(new BinaryWebSocketFrame(out));
            markReady();
        } else if (c0 == '-') { // -ERR '...'
            String err = stream.toString(start, len, StandardCharsets.US_ASCII);
            failSubscribe(err);
            listener.error(this, err);
        }
        // +OK: nothing
    }

    private int lastNumber(int start, int end) {
        int v = 0;
        int mul = 1;
        for (int i = end - 1; i >= start; i--) {
            byte b = stream.getByte(i);
            if (b == ' ') {
                break;
            }
            v += (b - '0') * mul;
            mul *= 10;
        }
        return v;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (stream != null) {
            stream.release();
            stream = null;
        }
    }
}
