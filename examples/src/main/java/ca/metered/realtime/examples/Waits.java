package ca.metered.realtime.examples;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waits for the examples' demo runs: poll a condition until a deadline. */
public final class Waits {
    private Waits() {
    }

    /** Waits until {@code condition} holds; throws {@link IllegalStateException} naming {@code what} on timeout. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }
}
