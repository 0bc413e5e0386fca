package ca.metered.realtime.peer;

import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.peer.rtc.IceTransportPolicy;
import ca.metered.realtime.peer.rtc.RtcPeerConnectionFactory;
import java.util.Objects;

/**
 * Configuration of a {@link MeteredPeer}: every {@link SignallingClientOptions} setting plus the
 * WebRTC binding. Immutable and thread-safe.
 *
 * <pre>{@code
 * MeteredPeerOptions options = MeteredPeerOptions.builder(
 *         SignallingClientOptions.builder().apiKey("pk_live_…").url("wss://rms.example.com").build())
 *     .rtcPeerConnectionFactory(new WebRtcJavaBinding())   // module sdk-webrtc
 *     .build();
 * }</pre>
 */
public final class MeteredPeerOptions {
    private final SignallingClientOptions signalling;
    private final RtcPeerConnectionFactory rtcPeerConnectionFactory;
    private final IceTransportPolicy iceTransportPolicy;

    private MeteredPeerOptions(SignallingClientOptions signalling, RtcPeerConnectionFactory factory,
                               IceTransportPolicy iceTransportPolicy) {
        this.signalling = signalling;
        this.rtcPeerConnectionFactory = factory;
        this.iceTransportPolicy = iceTransportPolicy;
    }

    /**
     * Starts from signalling options; {@code autoResubscribe} must be on (MeteredPeer relies on
     * the replayed subscribe to reconcile after a reconnect).
     */
    public static Builder builder(SignallingClientOptions signalling) {
        return new Builder(signalling);
    }

    public SignallingClientOptions signalling() {
        return signalling;
    }

    public RtcPeerConnectionFactory rtcPeerConnectionFactory() {
        return rtcPeerConnectionFactory;
    }

    /** Which ICE candidates every peer connection may use; {@link IceTransportPolicy#ALL} unless set. */
    public IceTransportPolicy iceTransportPolicy() {
        return iceTransportPolicy;
    }

    @Override
    public String toString() {
        return "MeteredPeerOptions[" + signalling + ", rtc=" + rtcPeerConnectionFactory.getClass().getName()
                + ", iceTransportPolicy=" + iceTransportPolicy + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final SignallingClientOptions signalling;
        private RtcPeerConnectionFactory factory;
        private IceTransportPolicy iceTransportPolicy = IceTransportPolicy.ALL;

        private Builder(SignallingClientOptions signalling) {
            this.signalling = Objects.requireNonNull(signalling, "signalling");
        }

        /** The WebRTC binding; required (the core SDK has no WebRTC stack of its own). */
        public Builder rtcPeerConnectionFactory(RtcPeerConnectionFactory factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * {@link IceTransportPolicy#RELAY} makes every connection go through a TURN server from the
         * {@code welcome}'s ICE servers (no host or STUN candidates: the remote side never sees
         * this host's addresses); default {@link IceTransportPolicy#ALL}. The JS SDK has no such
         * option (browsers have it on {@code RTCConfiguration}).
         */
        public Builder iceTransportPolicy(IceTransportPolicy policy) {
            this.iceTransportPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @throws IllegalArgumentException if {@code autoResubscribe} is off (JS 1.1.0+: TypeError)
         *                                  or no factory was given
         */
        public MeteredPeerOptions build() {
            if (!signalling.autoResubscribe()) {
                throw new IllegalArgumentException("MeteredPeer: autoResubscribe(false) is not supported - MeteredPeer "
                        + "relies on the automatic re-subscribe to restore its channel after a reconnect. "
                        + "Use SignallingClient directly for manual subscription control.");
            }
            if (factory == null) {
                throw new IllegalArgumentException("rtcPeerConnectionFactory is required (e.g. the sdk-webrtc binding)");
            }
            return new MeteredPeerOptions(signalling, factory, iceTransportPolicy);
        }
    }
}
