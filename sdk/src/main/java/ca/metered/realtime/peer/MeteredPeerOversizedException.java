package ca.metered.realtime.peer;

import ca.metered.realtime.client.RealtimeException;

/**
 * JS {@code MeteredPeerOversizedError} (code {@code payload_too_large}): a payload or a track's
 * metadata message would exceed the welcome's {@code maxMessageSize} (UTF-8 bytes of its JSON).
 * Nothing was sent.
 */
public class MeteredPeerOversizedException extends RealtimeException {
    private final int size;
    private final int cap;

    public MeteredPeerOversizedException(int size, int cap) {
        super("payload_too_large", "MeteredPeer.send: payload " + size + " bytes exceeds server cap " + cap + " bytes");
        this.size = size;
        this.cap = cap;
    }

    public int size() {
        return size;
    }

    public int cap() {
        return cap;
    }
}
