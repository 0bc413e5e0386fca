package ca.metered.realtime.bench.jmh;

import ca.metered.realtime.protocol.frame.DecodeResult;
import ca.metered.realtime.protocol.frame.FrameCodec;
import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.protocol.frame.ServerFrame;
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
 * The codec on the path every message takes: decoding a client {@code publish} and encoding the
 * {@code message} frame the server sends. {@code dataBytes} is the size of the publish's
 * {@code data}: 100 bytes (the fan-out workload), 5,000 (an SDP offer) and 40,000 (a large
 * message under the default 64 KB limit). The {@code presence} frames, which carry no data, are
 * {@link PresenceEncodeBenchmark}'s (one peer: a join's delta).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    /** The fan-out workload's {@code message} frame (100-byte data), for {@link FanoutEncodeBenchmark}. */
    static final ServerFrame.Message MESSAGE = message(data(100));

    @Param({"100", "5000", "40000"})
    int dataBytes;

    String publish;
    ServerFrame.Message message;

    @Setup
    public void setUp() {
        String data = data(dataBytes);
        publish = "{\"type\":\"publish\",\"channel\":\"bench/fanout\",\"data\":" + data + "}";
        message = message(data);
    }

    /** {"t":…,"p":"xxx…"}: the load generator's payload shape, padded to {@code bytes}. */
    static String data(int bytes) {
        String head = "{\"t\":1000000000123456789,\"p\":\"";
        return head + "x".repeat(Math.max(0, bytes - head.length() - 2)) + "\"}";
    }

    static ServerFrame.Message message(String data) {
        return new ServerFrame.Message("bench/fanout", "6f1c3a52-8d4e-4a8b-9f7e-1b2c3d4e5f60", RawJson.of(data), null);
    }

    @Benchmark
    public DecodeResult decodePublish() {
        return FrameCodec.decodeClient(publish);
    }

    @Benchmark
    public byte[] encodeMessage() {
        return FrameCodec.encode(message);
    }
}
