package ca.metered.realtime.peer;

/**
 * Buffering limits of a {@link DataChannel} (JS {@code DataChannelOptions}).
 *
 * @param maxBufferedAmount          a send waits while {@code bufferedAmount + size} would exceed this (default 1 MiB)
 * @param bufferedAmountLowThreshold waiting sends re-check when the buffer drains to this (default max / 2)
 * @param maxQueuedSends             sends queued or in flight before {@link DataChannelOverflowException} (default 256)
 */
public record DataChannelOptions(long maxBufferedAmount, long bufferedAmountLowThreshold, int maxQueuedSends) {
    public static final long DEFAULT_MAX_BUFFERED_AMOUNT = 1_048_576;
    public static final int DEFAULT_MAX_QUEUED_SENDS = 256;
    public static final DataChannelOptions DEFAULT =
            new DataChannelOptions(DEFAULT_MAX_BUFFERED_AMOUNT, DEFAULT_MAX_BUFFERED_AMOUNT / 2, DEFAULT_MAX_QUEUED_SENDS);

    public DataChannelOptions {
        if (maxBufferedAmount < 1) {
            throw new IllegalArgumentException("maxBufferedAmount must be >= 1, got " + maxBufferedAmount);
        }
        if (bufferedAmountLowThreshold < 0 || bufferedAmountLowThreshold > maxBufferedAmount) {
            throw new IllegalArgumentException("bufferedAmountLowThreshold must be in [0, maxBufferedAmount], got "
                    + bufferedAmountLowThreshold);
        }
        if (maxQueuedSends < 1) {
            throw new IllegalArgumentException("maxQueuedSends must be >= 1, got " + maxQueuedSends);
        }
    }

    /** {@code maxBufferedAmount} with the low threshold at half of it and the default queue cap. */
    public static DataChannelOptions ofMaxBufferedAmount(long maxBufferedAmount) {
        return new DataChannelOptions(maxBufferedAmount, maxBufferedAmount / 2, DEFAULT_MAX_QUEUED_SENDS);
    }
}
