package ca.metered.realtime.peer.rtc;

import ca.metered.realtime.client.IceServer;
import java.util.List;
import java.util.Objects;

/**
 * What a new peer connection is configured with. Mirrors the parts of {@code RTCConfiguration}
 * the SDK sets; bundle policy, RTCP mux and SDP semantics are left to the binding's defaults
 * (unified plan, max-bundle are expected).
 *
 * @param iceServers STUN/TURN servers, already validated; empty means host candidates only
 * @param iceTransportPolicy which candidates may be used
 */
public record RtcConfiguration(List<IceServer> iceServers, IceTransportPolicy iceTransportPolicy) {
    public RtcConfiguration {
        iceServers = iceServers == null ? List.of() : List.copyOf(iceServers);
        Objects.requireNonNull(iceTransportPolicy, "iceTransportPolicy");
    }

    /** Every candidate type allowed ({@link IceTransportPolicy#ALL}). */
    public RtcConfiguration(List<IceServer> iceServers) {
        this(iceServers, IceTransportPolicy.ALL);
    }
}
