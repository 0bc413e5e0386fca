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
 * <p>A large room's window is stretched ({@link #windowFor}) so that its presence costs at most
 * about {@value #FRAMES_PER_SECOND} frames per second, however many join: the frames of a
 * window are one per member.
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

    /**
     * A channel sends at most about this many presence frames per second however large it grows:
     * every member gets one frame per window, so a channel's window is stretched to
     * {@code members / FRAMES_PER_SECOND} when that is longer than {@link #window} (50 ms up to
     * 1,000 members, 500 ms for 10,000), up to {@link #MAX_STRETCHED}.
     */
    static final int FRAMES_PER_SECOND = 20_000;
    /** The longest a stretched window gets. */
    static final Duration MAX_STRETCHED = Duration.ofSeconds(1);

    boolean immediate() {
        return window.isZero();
    }

    /** The window of a channel with {@code members} local subscribers. */
    Duration windowFor(int members) {
        long stretchedNanos = Math.min(MAX_STRETCHED.toNanos(), members * (1_000_000_000L / FRAMES_PER_SECOND));
        return stretchedNanos > window.toNanos() ? Duration.ofNanos(stretchedNanos) : window;
    }
}
