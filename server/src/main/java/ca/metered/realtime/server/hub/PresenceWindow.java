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
 * <p>Immutable; thread-safe. Flushes run on the event loop that opened the window, or on the
 * scheduler's thread ({@link #schedule}).
 *
 * @param scheduler runs the end of each window opened off an event loop; unused when the window is zero
 * @param window how long the first delta of a batch may wait
 * @param callerLoop where a window opened on an event loop ends: on that loop, when every loop
 *     that decides presence is the node's own (in memory); {@link CallerLoop#NONE} with Redis,
 *     whose deltas arrive on the Redis client's loops, which a large room's flush must not hold up
 */
public record PresenceWindow(Scheduler scheduler, Duration window, CallerLoop callerLoop) {
    /** No coalescing: each delta goes out in its own frame on the thread that decided it. */
    public static final PresenceWindow IMMEDIATE = new PresenceWindow(null, Duration.ZERO);

    /** A window whose end always runs on the scheduler's thread. */
    public PresenceWindow(Scheduler scheduler, Duration window) {
        this(scheduler, window, CallerLoop.NONE);
    }

    public PresenceWindow {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(callerLoop, "callerLoop");
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

    /**
     * Runs {@code flush} when the window of a channel with {@code members} local subscribers
     * ends. On an event loop (where a joiner's delta is decided) the end of the window runs on
     * that same loop: a flush hands a frame to every member, and from a loop their drains go out
     * as one task per loop ({@code session.DrainHandoff}), where from the timer's thread each
     * member's drain is a task, and a wake-up, of its own — 10,000 per window in a room of
     * 10,000. Elsewhere (other threads, or {@link CallerLoop#NONE}) it runs on the scheduler's thread.
     */
    void schedule(int members, Runnable flush) {
        Duration delay = windowFor(members);
        if (!callerLoop.schedule(delay, flush)) {
            scheduler.schedule(delay, flush);
        }
    }

    /** The window of a channel with {@code members} local subscribers. */
    Duration windowFor(int members) {
        long stretchedNanos = Math.min(MAX_STRETCHED.toNanos(), members * (1_000_000_000L / FRAMES_PER_SECOND));
        return stretchedNanos > window.toNanos() ? Duration.ofNanos(stretchedNanos) : window;
    }
}
