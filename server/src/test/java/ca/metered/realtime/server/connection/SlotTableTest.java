package ca.metered.realtime.server.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SlotTableTest {

    private static List<String> walk(SlotTable<String> t) {
        List<String> out = new ArrayList<>();
        t.forEach(out::add);
        return out;
    }

    @Test
    void addsRemovesAndWalksPastTheInitialCapacity() {
        SlotTable<String> t = new SlotTable<>();
        int[] slots = new int[100];
        String[] elements = new String[100];
        for (int i = 0; i < 100; i++) {
            elements[i] = "e" + i;
            slots[i] = t.add(elements[i]);
        }
        assertThat(t.size()).isEqualTo(100);
        assertThat(new HashSet<>(walk(t))).hasSize(100).contains("e0", "e99");
        for (int i = 0; i < 100; i += 2) {
            assertThat(t.remove(slots[i], elements[i])).isTrue();
        }
        assertThat(t.size()).isEqualTo(50);
        assertThat(walk(t)).hasSize(50).allMatch(e -> Integer.parseInt(e.substring(1)) % 2 == 1);
    }

    @Test
    void reusesFreedSlotsBeforeGrowing() {
        SlotTable<String> t = new SlotTable<>();
        int a = t.add("a");
        int b = t.add("b");
        t.remove(a, "a");
        assertThat(t.add("c")).isEqualTo(a);
        assertThat(walk(t)).containsExactlyInAnyOrder("b", "c");
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void removeOfAnElementNotInItsSlotChangesNothing() {
        SlotTable<String> t = new SlotTable<>();
        int a = t.add("a");
        assertThat(t.remove(a, "other")).isFalse();
        assertThat(t.remove(a, new String("a"))).as("the same element, not an equal one").isFalse();
        assertThat(t.remove(a + 1, "a")).isFalse();
        assertThat(t.remove(-1, "a")).isFalse();
        assertThat(t.remove(a, "a")).isTrue();
        assertThat(t.remove(a, "a")).isFalse();
        assertThat(t.size()).isZero();
        assertThat(walk(t)).isEmpty();
    }

    @Test
    void aWalkSeesEveryElementPresentThroughoutItWhileOthersComeAndGo() throws Exception {
        SlotTable<String> t = new SlotTable<>();
        Set<String> stable = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String e = "stable" + i;
            t.add(e);
            stable.add(e);
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(2);
        List<Thread> churners = new ArrayList<>();
        Set<Throwable> failures = ConcurrentHashMap.newKeySet();
        for (int w = 0; w < 2; w++) {
            int id = w;
            Thread th = new Thread(() -> {
                started.countDown();
                int n = 0;
                while (!stop.get()) {
                    // Grows the table again and again, then frees everything it added.
                    List<int[]> mine = new ArrayList<>();
                    List<String> names = new ArrayList<>();
                    for (int k = 0; k < 500; k++) {
                        String e = "churn" + id + "-" + n++;
                        mine.add(new int[] {t.add(e)});
                        names.add(e);
                    }
                    for (int k = 0; k < mine.size(); k++) {
                        if (!t.remove(mine.get(k)[0], names.get(k))) {
                            failures.add(new AssertionError("lost " + names.get(k)));
                        }
                    }
                }
            });
            th.start();
            churners.add(th);
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        for (int round = 0; round < 300; round++) {
            List<String> seen = walk(t);
            List<String> stableSeen = seen.stream().filter(stable::contains).toList();
            assertThat(stableSeen).hasSize(stable.size());
            assertThat(new HashSet<>(stableSeen)).isEqualTo(stable);
        }
        stop.set(true);
        for (Thread th : churners) {
            th.join(10_000);
        }
        assertThat(failures).isEmpty();
        assertThat(t.size()).isEqualTo(1000);
        assertThat(new HashSet<>(walk(t))).isEqualTo(stable);
    }
}
