package ca.metered.realtime.server.hub;

import ca.metered.realtime.server.time.Scheduler;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a channel's presence deltas are gathered before they go out as few {@code presence}
 * frames (docs/protocol.md 2.3, "Deltas may be coalesced"). In a room of N members every join is
 * news to N others; gathering the joins of a window into one frame turns N² small frames into
 * N per window.
 *
 * <p>{@link #IMMEDIATE} (a zero window) sends every delta at once, in its own frame.
 *
 * <p>Immutable; thread-safe. Flushes run on the scheduler's thread.
 *
 * @param scheduler runs the end of each window; unused when the window is zero
 * @param window how long the first delta of a batch may wait
 */
public record PresenceWindow(Scheduler scheduler, Duration window) {
    /** No coalescing: each delta goes out in its own frame on the thread that decided it. */
    public static final PresenceWindow IMMEDIATE = new PresenceWindow(null, Duration.ZERO);

    public PresenceWindow {
        Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative");
        }
        if (!window.isZero()) {
            Objects.requireNonNull(scheduler, "scheduler");
        }
    }

    boolean immediate() {
        return window.isZero();
    }
}
