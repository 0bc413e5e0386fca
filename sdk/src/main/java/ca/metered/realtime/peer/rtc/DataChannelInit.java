package ca.metered.realtime.peer.rtc;

/**
 * {@code RTCDataChannelInit}. {@code null} means "the stack's default".
 *
 * @param ordered           in-order delivery (default {@code true})
 * @param maxPacketLifeTime ms a message may be retransmitted for; exclusive with {@code maxRetransmits}
 * @param maxRetransmits    retransmissions before giving up; exclusive with {@code maxPacketLifeTime}
 * @param protocol          sub-protocol name, or {@code null}
 * @param negotiated        {@code true} when both sides create the channel with the same {@code id}
 * @param id                the stream id for negotiated channels, else {@code null}
 */
public record DataChannelInit(boolean ordered, Integer maxPacketLifeTime, Integer maxRetransmits, String protocol,
                              boolean negotiated, Integer id) {
    /** Reliable and ordered, negotiated in-band: what {@code createDataChannel(label)} does in a browser. */
    public static final DataChannelInit DEFAULT = new DataChannelInit(true, null, null, null, false, null);

    public DataChannelInit {
        if (maxPacketLifeTime != null && maxRetransmits != null) {
            throw new IllegalArgumentException("maxPacketLifeTime and maxRetransmits are mutually exclusive");
        }
        if (negotiated && id == null) {
            throw new IllegalArgumentException("a negotiated channel needs an id");
        }
    }

    /** Unordered, no retransmissions: game ticks and telemetry. */
    public static DataChannelInit unreliable() {
        return new DataChannelInit(false, null, 0, null, false, null);
    }
}
