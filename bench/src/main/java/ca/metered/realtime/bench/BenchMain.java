package ca.metered.realtime.bench;

import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar bench/target/rms-bench.jar}: the load workloads of docs/performance.md,
 * speaking rms's protocol or NATS over WebSocket, and the JMH benchmarks.
 * {@code scripts/bench-vs-nats.sh} runs them against both servers side by side.
 */
@Command(name = "rms-bench", mixinStandardHelpOptions = true,
        description = "Load workloads against rms or nats-server, and JMH benchmarks of rms's hot paths.",
        subcommands = {FanoutCommand.class, IdleCommand.class, RoomCommand.class, ClusterCommand.class,
                ReportCommand.class, JfrTopCommand.class, JmhCommand.class})
public final class BenchMain implements Runnable {
    public static void main(String[] args) {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // The generator is a measuring instrument: the sampled stack traces of leak detection
            // cost it CPU and garbage on the machine the servers under test run on.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        CommandLine cli = new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true);
        int code = cli.execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
