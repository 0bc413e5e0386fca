package ca.metered.realtime.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code rms-bench jmh [JMH options]}: the JMH benchmarks of the hot paths ({@code -h} lists JMH's options). */
@Command(name = "jmh", description = "Run the JMH benchmarks (arguments go to JMH, e.g. 'Codec' -f 1 -wi 3 -i 5).")
final class JmhCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        return 0;
    }
}
