package ca.metered.realtime.bench.jmh;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.server.session.WireFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out in the process, without sockets: one {@code message} frame encoded once and made into
 * the bytes of N subscribers' writes, reported per delivery. Two ways: {@code wrapped-heap}, the
 * first version's (the shared bytes wrapped per subscriber and passed through Netty's server-side
 * WebSocket encoder of its channel); {@code batched-direct}, what {@code OutboundQueue} does since
 * round 2 (each drain's frames written by {@link WireFrames} — header and shared bytes — into one
 * pooled direct buffer). The difference to the load generator's CPU per delivery is the kernel and
 * the event loop.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FanoutEncodeBenchmark {
    static final int SUBSCRIBERS = 1000;

    @Param({"wrapped-heap", "batched-direct"})
    public String mode;

    private EmbeddedChannel[] channels;

    @Setup(Level.Trial)
    public void setUp() {
        channels = new EmbeddedChannel[SUBSCRIBERS];
        for (int i = 0; i < SUBSCRIBERS; i++) {
            channels[i] = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    /** Per delivery: the shared bytes wrapped for one subscriber, framed and "written". */
    @Benchmark
    @OperationsPerInvocation(SUBSCRIBERS)
    public long encodeOnceWriteToAll() {
        byte[] frame = FrameCodec.encode(CodecBenchmark.MESSAGE);
        long bytes = 0;
        if ("batched-direct".equals(mode)) {
            for (int i = 0; i < SUBSCRIBERS; i++) {
                // one delivery per drain: the worst case for batching, the common one at 200k/s
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(WireFrames.size(frame.length));
                WireFrames.write(b, WireFrames.TEXT, frame);
                bytes += b.readableBytes();
                b.release();
            }
            return bytes;
        }
        for (EmbeddedChannel ch : channels) {
            ch.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)));
            Object out;
            while ((out = ch.readOutbound()) != null) {
                ByteBuf b = (ByteBuf) out;
                bytes += b.readableBytes();
                b.release();
            }
        }
        return bytes;
    }
}
