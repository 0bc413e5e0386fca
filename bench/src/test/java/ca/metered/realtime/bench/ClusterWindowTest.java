package ca.metered.realtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterWindowTest {
    @Test
    void aPublisherSendsWithinItsWindowAndTheEndToEndBound() {
        // a window of 64 per publisher, at most 2,048 not yet received, two subscribers
        ClusterCommand.Window w = new ClusterCommand.Window(64, "r", () -> 0, 2, 2048);

        assertThat(w.allowed(0, 0, 0)).as("nothing in flight: the whole window").isEqualTo(64);
        assertThat(w.allowed(60, 100, 0)).as("its own window is the tighter bound").isEqualTo(4);
        assertThat(w.allowed(0, 2040, 0)).as("the end-to-end bound is the tighter").isEqualTo(8);
        assertThat(w.allowed(0, 2048, 0)).as("at the bound: nothing").isZero();
        // each publish reaches both subscribers: 4,000 deliveries are 2,000 publishes received
        assertThat(w.allowed(0, 2048, 4000)).isEqualTo(64);
        assertThat(w.allowed(0, 4000, 4000)).isEqualTo(48);
        assertThat(w.allowed(64, 0, 0)).as("a full window: nothing").isZero();
        assertThat(w.allowed(0, 5000, 0)).as("never negative").isZero();
    }
}
