package ca.metered.realtime.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.CharsetUtil;

/**
 * Whether a text frame's payload is UTF-8 (RFC 6455 8.1; 1007 otherwise). Netty's {@link
 * ByteBufUtil#isText} decides, after an ASCII prefix skipped eight bytes at a time: its check
 * reads the buffer a byte per call, which was a fifth of the server's CPU for 40 KB publishes
 * (docs/performance.md, "Large messages"), and the commands clients send are mostly ASCII. A
 * byte below 0x80 is never inside a multi-byte sequence, so the check can start at the first
 * word holding a byte above it.
 *
 * <p>Stateless; any thread.
 */
final class Utf8Text {
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8Text() {
    }

    /** True if the readable bytes of {@code buf} are well-formed UTF-8; does not move its indexes. */
    static boolean isValid(ByteBuf buf) {
        int index = buf.readerIndex();
        int end = buf.writerIndex();
        while (end - index >= Long.BYTES && (buf.getLong(index) & HIGH_BITS) == 0) {
            index += Long.BYTES;
        }
        return index == end || ByteBufUtil.isText(buf, index, end - index, CharsetUtil.UTF_8);
    }
}
