package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The read sizes a wake-up gets, driven as Netty's read loop drives a handle. */
class GrowingReadAllocatorTest {
    private final ChannelConfig config = new DefaultChannelConfig(new EmbeddedChannel());
    private final RecvByteBufAllocator.Handle handle;

    GrowingReadAllocatorTest() {
        config.setRecvByteBufAllocator(new GrowingReadAllocator());
        handle = config.getRecvByteBufAllocator().newHandle();
    }

    /** One wake-up with {@code available} bytes in the socket; the sizes of the buffers read into. */
    private List<Integer> wakeUp(int available) {
        handle.reset(config);
        List<Integer> sizes = new ArrayList<>();
        int left = available;
        do {
            ByteBuf buf = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
            sizes.add(buf.capacity());
            int read = Math.min(left, buf.writableBytes());
            handle.attemptedBytesRead(buf.writableBytes());
            handle.lastBytesRead(read == 0 ? -1 : read); // -1: nothing there (EAGAIN), as Netty reports it
            left -= read;
            buf.release();
            if (read <= 0) {
                break;
            }
            handle.incMessagesRead(1);
        } while (handle.continueReading() && sizes.size() < 100);
        handle.readComplete();
        return sizes;
    }

    @Test
    void aCommandIsOneSmallRead() {
        assertThat(wakeUp(180)).containsExactly(2048);
    }

    @Test
    void aLargePublishIsReadInGrowingBuffers() {
        // 2 + 4 + 8 + 16 KB = 30 KB, then 32 KB holds the rest of a 40 KB frame
        assertThat(wakeUp(40_000)).containsExactly(2048, 4096, 8192, 16_384, 32_768);
    }

    @Test
    void buffersStopGrowingAtSixtyFourKilobytesAndSixteenReads() {
        List<Integer> sizes = wakeUp(10_000_000);
        assertThat(sizes).hasSize(16);
        assertThat(sizes.subList(5, 16)).containsOnly(65_536);
    }

    @Test
    void everyWakeUpStartsSmallAgain() {
        wakeUp(1_000_000);
        assertThat(wakeUp(100)).containsExactly(2048);
    }
}
