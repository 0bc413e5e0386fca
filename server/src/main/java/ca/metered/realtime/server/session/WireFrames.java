package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.frame.FrameSlices;
import io.netty.buffer.ByteBuf;

/**
 * Server-to-client WebSocket frames written straight into an outbound buffer (RFC 6455 5.2):
 * final, unmasked, no extension bits — byte for byte what Netty's {@code WebSocket13FrameEncoder}
 * writes for a server. The {@link OutboundQueue} encodes a whole batch of queued frames into one
 * direct buffer this way, so a batch costs one write, one promise and one buffer instead of a
 * frame object, a wrapper, an encoder pass and a promise per frame. Close frames still go through
 * Netty's encoder (they are rare, and end the connection).
 *
 * <p>Stateless; thread-safe.
 */
public final class WireFrames {
    public static final int TEXT = 0x1;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    private static final int FIN = 0x80;

    private WireFrames() {
    }

    /** The bytes a frame with a payload of {@code length} takes on the wire. */
    public static int size(int length) {
        return headerSize(length) + length;
    }

    private static int headerSize(int length) {
        return length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    }

    /** Appends one frame: the header (2, 4 or 10 bytes, RFC 6455 5.2), then the payload. */
    public static void write(ByteBuf out, int opcode, byte[] payload) {
        writeHeader(out, opcode, payload.length);
        out.writeBytes(payload);
    }

    /** Appends one frame whose payload is {@code payload}'s slices, copied straight from the shared arrays. */
    public static void write(ByteBuf out, int opcode, FrameSlices payload) {
        writeHeader(out, opcode, payload.length());
        payload.writeTo(out::writeBytes);
    }

    private static void writeHeader(ByteBuf out, int opcode, int length) {
        out.writeByte(FIN | opcode);
        if (length < 126) {
            out.writeByte(length);
        } else if (length <= 0xFFFF) {
            out.writeByte(126);
            out.writeShort(length);
        } else {
            out.writeByte(127);
            out.writeLong(length);
        }
    }
}
