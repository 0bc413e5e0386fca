package ca.metered.realtime.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ItemFifoTest {
    private static final class Fifo extends ItemFifo {
    }

    @Test
    void emptyHoldsNothingAndTakesInOrder() {
        Fifo f = new Fifo();
        assertThat(f.isEmpty()).isTrue();
        assertThat(f.peek()).isNull();
        assertThat(f.remove()).isNull();

        f.add("a");
        f.add("b");
        assertThat(f.isEmpty()).isFalse();
        assertThat(f.peek()).isEqualTo("a");
        assertThat(f.peek()).as("peek leaves the head in place").isEqualTo("a");
        assertThat(f.remove()).isEqualTo("a");
        f.add("c");
        assertThat(f.remove()).isEqualTo("b");
        assertThat(f.remove()).isEqualTo("c");
        assertThat(f.isEmpty()).isTrue();
        assertThat(f.remove()).isNull();
    }

    @Test
    void refillsAfterBeingEmptied() {
        Fifo f = new Fifo();
        for (int round = 0; round < 3; round++) {
            f.add(round);
            assertThat(f.remove()).isEqualTo(round);
            assertThat(f.isEmpty()).isTrue();
            assertThat(f.peek()).isNull();
        }
    }

    /**
     * Several producers add while one consumer takes (emptying the FIFO again and again, the
     * racy case): every item arrives once, and each producer's items in its order.
     */
    @Test
    void manyProducersOneConsumerKeepEachProducersOrder() throws Exception {
        int producers = 4;
        int perProducer = 200_000;
        Fifo f = new Fifo();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    f.add(new long[] {id, i});
                }
            });
            t.start();
            threads.add(t);
        }
        int[] next = new int[producers];
        AtomicReference<String> error = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            int taken = 0;
            while (taken < producers * perProducer) {
                Object o = f.peek();
                if (o == null) {
                    Thread.onSpinWait();
                    continue;
                }
                Object removed = f.remove();
                if (removed != o) {
                    error.compareAndSet(null, "remove() returned another item than peek()");
                    return;
                }
                long[] item = (long[]) o;
                int p = (int) item[0];
                if (item[1] != next[p]) {
                    error.compareAndSet(null, "producer " + p + ": got " + item[1] + ", expected " + next[p]);
                    return;
                }
                next[p]++;
                taken++;
            }
        });
        consumer.start();
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        consumer.join();
        assertThat(error.get()).isNull();
        for (int p = 0; p < producers; p++) {
            assertThat(next[p]).isEqualTo(perProducer);
        }
        assertThat(f.isEmpty()).isTrue();
        assertThat(f.peek()).isNull();
    }
}
