package ca.metered.realtime.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rms-bench jfr-top FILE.jfr}: the hot spots of a flight recording (started on the server
 * with {@code -XX:StartFlightRecording=settings=profile}) as text: methods by CPU samples where
 * they are on top of the stack (self) and anywhere in it (total), allocation by top frame, and
 * GC pauses. JDK 17's {@code jfr} tool has no such view.
 */
@Command(name = "jfr-top", mixinStandardHelpOptions = true,
        description = "Top methods (self and total CPU samples), allocation sites and GC pauses of a .jfr file.")
final class JfrTopCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--top", defaultValue = "25", description = "rows per table (default ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--thread-prefix", description = "only samples of threads whose name starts with this")
    String threadPrefix;

    @Override
    public Integer call() throws Exception {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> allocBySite = new HashMap<>();
        Map<String, Long> allocByClass = new HashMap<>();
        long samples = 0;
        long allocTotal = 0;
        long gcCount = 0;
        Duration gcPause = Duration.ZERO;
        Duration gcLongest = Duration.ZERO;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                    if (threadPrefix != null && (thread == null || !thread.startsWith(threadPrefix))) {
                        continue;
                    }
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    threads.merge(threadGroup(thread), 1L, Long::sum);
                    List<RecordedFrame> frames = st.getFrames();
                    self.merge(name(frames.get(0)), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame f : frames) {
                        String n = name(f);
                        if (seen.add(n)) {
                            total.merge(n, 1L, Long::sum);
                        }
                    }
                }
                case "jdk.ObjectAllocationSample" -> {
                    long w = e.getLong("weight");
                    allocTotal += w;
                    allocByClass.merge(e.getClass("objectClass").getName(), w, Long::sum);
                    RecordedStackTrace st = e.getStackTrace();
                    if (st != null && !st.getFrames().isEmpty()) {
                        allocBySite.merge(firstOwnFrame(st.getFrames()), w, Long::sum);
                    }
                }
                case "jdk.GarbageCollection" -> {
                    gcCount++;
                    Duration p = e.getDuration("sumOfPauses");
                    gcPause = gcPause.plus(p);
                    if (p.compareTo(gcLongest) > 0) {
                        gcLongest = p;
                    }
                }
                default -> {
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d CPU samples%n%n", samples);
        table("CPU samples by thread", threads, samples);
        table("CPU, self (top of stack)", self, samples);
        table("CPU, total (anywhere in the stack)", total, samples);
        table("allocation by class (sampled weight)", allocByClass, allocTotal);
        table("allocation by first frame outside java.*/jdk.* (sampled weight)", allocBySite, allocTotal);
        System.out.printf(Locale.ROOT, "GC: %d collections, %d ms paused in total, longest %d ms%n",
                gcCount, gcPause.toMillis(), gcLongest.toMillis());
        return 0;
    }

    private void table(String title, Map<String, Long> counts, long sum) {
        System.out.println("## " + title);
        List<Map.Entry<String, Long>> rows = new ArrayList<>(counts.entrySet());
        rows.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (int i = 0; i < Math.min(top, rows.size()); i++) {
            System.out.printf(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * rows.get(i).getValue() / Math.max(1, sum),
                    rows.get(i).getKey());
        }
        System.out.println();
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String firstOwnFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (!n.startsWith("java.") && !n.startsWith("jdk.") && !n.startsWith("sun.")) {
                return n;
            }
        }
        return name(frames.get(0));
    }

    /** Thread names without their numbers, so a pool is one row. */
    private static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("\\d+", "N");
    }
}
