package ca.metered.realtime.bench.jmh;

import ca.metered.realtime.protocol.frame.DecodeResult;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec on the paths every message takes: decoding a client {@code publish} (100-byte
 * {@code data}) and encoding the {@code message} and {@code presence} frames the server sends.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    static final String DATA = "{\"t\":1000000000123456789,\"p\":\"" + "x".repeat(68) + "\"}";
    static final String PUBLISH = "{\"type\":\"publish\",\"channel\":\"bench/fanout\",\"data\":" + DATA + "}";
    static final ServerFrame.Message MESSAGE = new ServerFrame.Message("bench/fanout",
            "6f1c3a52-8d4e-4a8b-9f7e-1b2c3d4e5f60", RawJson.of(DATA), null);
    static final ServerFrame.Presence JOINED = new ServerFrame.Presence("bench/room",
            List.of(new ServerFrame.PresenceEntry("6f1c3a52-8d4e-4a8b-9f7e-1b2c3d4e5f60", null)), List.of());

    @Benchmark
    public DecodeResult decodePublish() {
        return FrameCodec.decodeClient(PUBLISH);
    }

    @Benchmark
    public byte[] encodeMessage() {
        return FrameCodec.encode(MESSAGE);
    }

    @Benchmark
    public byte[] encodePresenceDelta() {
        return FrameCodec.encode(JOINED);
    }
}
