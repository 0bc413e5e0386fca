package ca.metered.realtime.bench;

import ca.metered.realtime.bench.load.LoadClient;
import ca.metered.realtime.bench.load.Payload;
import ca.metered.realtime.bench.load.Protocol;
import ca.metered.realtime.bench.load.Result;
import ca.metered.realtime.bench.load.ServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The server under test and how to reach it; shared by the load workloads. */
final class TargetArgs {
    @Option(names = "--protocol", required = true, description = "rms or nats")
    Protocol protocol;

    @Option(names = "--url", required = true,
            description = "WebSocket URL: ws://127.0.0.1:8080/v1?key=pk_… (rms) or ws://127.0.0.1:8222 (nats)")
    URI url;

    @Option(names = "--server-pid", required = true, description = "pid of the server process (CPU and RSS are read from /proc)")
    long serverPid;

    @Option(names = "--label", description = "server name in results (default: the protocol)")
    String label;

    @Option(names = "--size", defaultValue = "100", description = "message body bytes (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--threads", defaultValue = "2", description = "generator event loop threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--source-address", split = ",",
            description = "local addresses to connect from, round robin (e.g. 127.0.0.2,127.0.0.3) for more ephemeral ports")
    List<InetAddress> sources = new ArrayList<>();

    @Option(names = "--json", description = "append the result as one JSON line to this file")
    Path json;

    String label() {
        return label != null ? label : protocol.name().toLowerCase(java.util.Locale.ROOT);
    }

    LoadClient client() {
        return client(threads);
    }

    LoadClient client(int loopThreads) {
        if (size < Payload.MIN_SIZE) {
            throw new IllegalArgumentException("--size must be at least " + Payload.MIN_SIZE);
        }
        return new LoadClient(loopThreads, sources);
    }

    ServerProcess server() {
        return new ServerProcess(serverPid);
    }

    void finish(Result r) throws IOException {
        r.print(System.out);
        if (json != null) {
            r.append(json);
        }
    }
}
