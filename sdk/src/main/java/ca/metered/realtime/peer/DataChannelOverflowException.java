package ca.metered.realtime.peer;

import ca.metered.realtime.client.RealtimeException;

/**
 * JS {@code DataChannelOverflowError} (code {@code data_channel_overflow}): {@link DataChannel#send}
 * was called with {@code maxQueuedSends} sends already queued. Nothing was queued.
 */
public class DataChannelOverflowException extends RealtimeException {
    private final int queued;
    private final int cap;

    public DataChannelOverflowException(int queued, int cap) {
        super("data_channel_overflow", "DataChannel send queue overflowed (" + queued + " / cap " + cap + ")");
        this.queued = queued;
        this.cap = cap;
    }

    public int queued() {
        return queued;
    }

    public int cap() {
        return cap;
    }
}
