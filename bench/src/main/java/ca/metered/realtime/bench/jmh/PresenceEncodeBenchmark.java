package ca.metered.realtime.bench.jmh;

import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.ServerFrame;
import ca.metered.realtime.protocol.frame.ServerFrame.PresenceEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A {@code presence} frame listing {@code peers} publishable-key peers (UUID peerIds, no
 * metadata): the snapshot every joiner of a large room gets, a coalesced delta, and (one peer)
 * the delta of a single join.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PresenceEncodeBenchmark {
    @Param({"1", "100", "5000"})
    public int peers;

    private ServerFrame.Presence frame;

    @Setup
    public void setUp() {
        List<PresenceEntry> entries = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            entries.add(new PresenceEntry(UUID.randomUUID().toString(), null));
        }
        frame = new ServerFrame.Presence("bench/room", entries, List.of());
    }

    @Benchmark
    public byte[] encode() {
        return FrameCodec.encode(frame);
    }
}
