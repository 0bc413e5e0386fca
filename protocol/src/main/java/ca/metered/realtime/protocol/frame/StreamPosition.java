package ca.metered.realtime.protocol.frame;

import java.util.Objects;

/**
 * A position in a channel's history (docs/protocol.md 9): the {@code epoch} names one unbroken
 * history of the channel, and {@code offset} counts its messages (+1 per message; 0 before the
 * first). Two positions are comparable only within one epoch: a new epoch means the server lost
 * the history before it (a restart of an in-memory node, a flushed Redis, an expired channel).
 *
 * <p>Immutable; thread-safe.
 *
 * @param epoch  1-{@value #MAX_EPOCH_LENGTH} characters, opaque to clients (empty only in {@link #START})
 * @param offset {@code >= 0}
 */
public record StreamPosition(String epoch, long offset) {
    /** Longest epoch a client may send back, in chars; the server's own are far shorter. */
    public static final int MAX_EPOCH_LENGTH = 64;

    /**
     * What a client that has seen nothing of a channel yet sends as {@code subscribe.recover}
     * ({@code {"epoch": "", "offset": 0}}): it starts following the channel's positions now, so
     * that it is told when this node missed messages (docs/protocol.md 9). Never a channel's position.
     */
    public static final StreamPosition START = new StreamPosition("", 0);

    public StreamPosition {
        Objects.requireNonNull(epoch, "epoch");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
    }

    /** Whether {@code epoch} could have come from a server: non-empty and not over the cap. */
    public static boolean isValidEpoch(String epoch) {
        return epoch != null && !epoch.isEmpty() && epoch.length() <= MAX_EPOCH_LENGTH;
    }

    /** Whether this is {@link #START}: no position yet. */
    public boolean isStart() {
        return epoch.isEmpty() && offset == 0;
    }

    @Override
    public String toString() {
        return epoch + ":" + offset;
    }
}
