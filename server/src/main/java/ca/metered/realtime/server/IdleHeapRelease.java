package ca.metered.realtime.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has the G1 collector give the heap a burst grew back to the operating system once the node is
 * quiet (docs/operations.md, "JVM memory"). A burst — thousands of connects after a restart or
 * a network blip, a large room joining — makes G1 grow the heap for its garbage, and G1 shrinks
 * the heap only after a full or concurrent collection, which a quiet node never triggers: the
 * memory stays with the process, its RSS at the burst's high mark. G1's periodic collection
 * (JEP 346) runs a concurrent cycle when no collection has run for an interval, and the free-ratio
 * bounds let that cycle return what is free beyond them.
 *
 * <p>Applied by {@code rms serve} at start, through the JVM's manageable options, so that
 * {@code bin/rms} and {@code java -jar rms.jar} get the same defaults (a server embedded in
 * another application leaves that application's JVM alone); each option the operator set on the command
 * line ({@code RMS_JAVA_OPTS}) is left as set. Only with G1 (the JVM's default collector).
 *
 * <p>What it costs: a node that allocates less than its young generation in an interval gets a
 * concurrent cycle per interval (a young pause, a remark pause, marking of the live heap in the
 * background); a busy node collects on its own more often than that, and the periodic collection
 * never runs. A heap shrunk while quiet grows again at the next burst.
 *
 * <p>Not thread-safe: called once, at start.
 */
public final class IdleHeapRelease {
    private static final Logger log = LoggerFactory.getLogger(IdleHeapRelease.class);

    /** No collection for this long: a quiet node; the heap is given back within two of them. */
    static final long INTERVAL_MS = 15_000;
    /** After a cycle, G1 keeps at most this share of the heap free (the JVM's default: 70). */
    static final int MAX_FREE_PERCENT = 30;
    /** And grows the heap when less than this share is free (the JVM's default: 40; at most the maximum). */
    static final int MIN_FREE_PERCENT = 10;

    private static final String INTERVAL = "G1PeriodicGCInterval";
    private static final String MIN_FREE = "MinHeapFreeRatio";
    private static final String MAX_FREE = "MaxHeapFreeRatio";

    private IdleHeapRelease() {
    }

    /**
     * Applies the defaults to this JVM and logs, in one line, what is in effect, e.g.
     * {@code "MinHeapFreeRatio=10 (rms default), ..., G1PeriodicGCInterval=15000 (rms default)"}.
     */
    public static void applyAndLog() {
        log.info("JVM heap given back when quiet: {}", apply());
    }

    static String apply() {
        boolean g1 = false;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            g1 |= gc.getName().startsWith("G1 ");
        }
        if (!g1) {
            return "not G1: the collector's own defaults";
        }
        return apply(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class));
    }

    /** Sets each option still at the JVM's default; returns what is in effect. */
    static String apply(HotSpotDiagnosticMXBean vm) {
        List<String> effect = new ArrayList<>();
        // The minimum first: the JVM refuses a maximum below the minimum in effect.
        effect.add(setIfDefault(vm, MIN_FREE, MIN_FREE_PERCENT));
        effect.add(setIfDefault(vm, MAX_FREE, MAX_FREE_PERCENT));
        effect.add(setIfDefault(vm, INTERVAL, INTERVAL_MS));
        return String.join(", ", effect);
    }

    private static String setIfDefault(HotSpotDiagnosticMXBean vm, String name, long value) {
        VMOption option = vm.getVMOption(name);
        if (option.getOrigin() != VMOption.Origin.DEFAULT) {
            return name + "=" + option.getValue() + " (set)";
        }
        try {
            vm.setVMOption(name, Long.toString(value));
            return name + "=" + value + " (rms default)";
        } catch (IllegalArgumentException e) {
            // e.g. the operator's MinHeapFreeRatio is above our maximum: theirs stands, so the JVM's default stays
            return name + "=" + option.getValue() + " (JVM default: " + e.getMessage() + ")";
        }
    }
}
