package ca.metered.realtime.server.transport;

import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * The receive buffers of client connections: each wake-up reads first into {@value #FIRST} bytes
 * (what a command needs), and while a read fills its buffer the next one is twice as large, up to
 * {@value #MAX}, at most {@value #READS_PER_WAKE_UP} reads.
 *
 * <p>Why not Netty's allocators: the fixed one reads a 40 KB publish in 20 system calls, and the
 * adaptive one keeps a sizing object (40 B) on every connection, which the idle-connection heap
 * budget has no room for (docs/performance.md, "Idle connections" and "Large messages"). Here
 * the size lives in the per-channel handle every allocator has, where it fits in the padding,
 * and starts again at {@value #FIRST} every wake-up: an idle connection holds nothing for a large
 * message it once received, and a client trickling a frame in gets {@value #FIRST}-byte reads.
 *
 * <p>Thread-safety: the allocator is immutable and shared by every connection; a handle belongs
 * to one channel and is used on its event loop only.
 */
final class GrowingReadAllocator extends DefaultMaxMessagesRecvByteBufAllocator {
    static final int FIRST = 2048;
    static final int MAX = 65_536;
    /** Netty's own default for a socket channel (its metadata's), which a given allocator does not get. */
    static final int READS_PER_WAKE_UP = 16;

    GrowingReadAllocator() {
        super(READS_PER_WAKE_UP);
    }

    @Override
    public Handle newHandle() {
        return new GrowingHandle(this);
    }

    /** Static, so the handle holds no second reference to the allocator beside Netty's. */
    private static final class GrowingHandle extends MaxMessageHandle {
        private int next = FIRST;

        GrowingHandle(GrowingReadAllocator allocator) {
            allocator.super();
        }

        @Override
        public void reset(ChannelConfig config) {
            super.reset(config);
            next = FIRST;
        }

        @Override
        public int guess() {
            return next;
        }

        @Override
        public void lastBytesRead(int bytes) {
            // A full buffer means the socket may hold more: read more of it at once.
            if (bytes == attemptedBytesRead() && next < MAX) {
                next <<= 1;
            }
            super.lastBytesRead(bytes);
        }
    }
}
