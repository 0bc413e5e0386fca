package ca.metered.realtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The launcher's G1 defaults: set where the operator set nothing, left alone where they did. */
class IdleHeapReleaseTest {

    /** The JVM's options as HotSpot has them, with its check that the minimum stays below the maximum. */
    private static final class FakeVm implements HotSpotDiagnosticMXBean {
        final Map<String, VMOption> options = new LinkedHashMap<>();
        final List<String> sets = new ArrayList<>();

        FakeVm option(String name, String value, VMOption.Origin origin) {
            options.put(name, new VMOption(name, value, true, origin));
            return this;
        }

        @Override
        public VMOption getVMOption(String name) {
            return options.get(name);
        }

        @Override
        public void setVMOption(String name, String value) {
            long v = Long.parseLong(value);
            if (name.equals("MaxHeapFreeRatio") && v < Long.parseLong(options.get("MinHeapFreeRatio").getValue())) {
                throw new IllegalArgumentException("MaxHeapFreeRatio below MinHeapFreeRatio");
            }
            if (name.equals("MinHeapFreeRatio") && v > Long.parseLong(options.get("MaxHeapFreeRatio").getValue())) {
                throw new IllegalArgumentException("MinHeapFreeRatio above MaxHeapFreeRatio");
            }
            sets.add(name + "=" + value);
            options.put(name, new VMOption(name, value, true, VMOption.Origin.MANAGEMENT));
        }

        @Override
        public void dumpHeap(String outputFile, boolean live) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<VMOption> getDiagnosticOptions() {
            return List.of();
        }

        @Override
        public ObjectName getObjectName() {
            return null;
        }
    }

    private static FakeVm defaults() {
        return new FakeVm()
                .option("MinHeapFreeRatio", "40", VMOption.Origin.DEFAULT)
                .option("MaxHeapFreeRatio", "70", VMOption.Origin.DEFAULT)
                .option("G1PeriodicGCInterval", "0", VMOption.Origin.DEFAULT);
    }

    @Test
    void aJvmAtItsDefaultsGetsThePeriodicCollectionAndTheTighterFreeRatiosMinimumFirst() {
        FakeVm vm = defaults();
        String effect = IdleHeapRelease.apply(vm);
        assertThat(vm.sets).containsExactly("MinHeapFreeRatio=" + IdleHeapRelease.MIN_FREE_PERCENT,
                "MaxHeapFreeRatio=" + IdleHeapRelease.MAX_FREE_PERCENT,
                "G1PeriodicGCInterval=" + IdleHeapRelease.INTERVAL_MS);
        assertThat(effect).contains("G1PeriodicGCInterval=15000 (rms default)");
    }

    @Test
    void whatTheOperatorSetOnTheCommandLineStands() {
        FakeVm vm = defaults().option("G1PeriodicGCInterval", "0", VMOption.Origin.VM_CREATION)
                .option("MinHeapFreeRatio", "50", VMOption.Origin.VM_CREATION)
                .option("MaxHeapFreeRatio", "70", VMOption.Origin.DEFAULT);
        String effect = IdleHeapRelease.apply(vm);
        // their minimum of 50 is above our maximum: the JVM's maximum stays
        assertThat(vm.sets).isEmpty();
        assertThat(effect).contains("G1PeriodicGCInterval=0 (set)", "MinHeapFreeRatio=50 (set)",
                "MaxHeapFreeRatio=70 (JVM default");
    }

    @Test
    void theRunningJvmTakesTheOptionsAtRunTime() {
        // The real HotSpot: the options are manageable, so a running JVM accepts them.
        String effect = IdleHeapRelease.apply();
        assertThat(effect).doesNotContain("JVM default:");
    }
}
