package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.peer.rtc.DataChannelInit;
import ca.metered.realtime.peer.rtc.DataChannelState;
import ca.metered.realtime.peer.rtc.IceCandidate;
import ca.metered.realtime.peer.rtc.IceConnectionState;
import ca.metered.realtime.peer.rtc.PeerConnectionState;
import ca.metered.realtime.peer.rtc.RtcConfiguration;
import ca.metered.realtime.peer.rtc.SdpType;
import ca.metered.realtime.peer.rtc.SessionDescription;
import ca.metered.realtime.peer.rtc.SignalingState;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtcpMuxPolicy;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCSignalingState;
import java.util.ArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Value conversions between the port's records/enums and webrtc-java's; stateless. */
final class Natives {
    private static final Pattern UFRAG = Pattern.compile("\\sufrag\\s+(\\S+)");

    private Natives() {
    }

    static RTCConfiguration configuration(RtcConfiguration config) {
        RTCConfiguration c = new RTCConfiguration();
        c.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
        c.rtcpMuxPolicy = RTCRtcpMuxPolicy.REQUIRE;
        c.iceTransportPolicy = switch (config.iceTransportPolicy()) {
            case ALL -> RTCIceTransportPolicy.ALL;
            case RELAY -> RTCIceTransportPolicy.RELAY;
        };
        c.iceServers = new ArrayList<>();
        for (IceServer s : config.iceServers()) {
            RTCIceServer n = new RTCIceServer();
            n.urls = new ArrayList<>(s.urls());
            n.username = s.username();
            n.password = s.credential();
            c.iceServers.add(n);
        }
        return c;
    }

    static RTCSessionDescription description(SessionDescription d) {
        RTCSdpType type = switch (d.type()) {
            case OFFER -> RTCSdpType.OFFER;
            case PRANSWER -> RTCSdpType.PR_ANSWER;
            case ANSWER -> RTCSdpType.ANSWER;
            case ROLLBACK -> RTCSdpType.ROLLBACK;
        };
        return new RTCSessionDescription(type, d.sdp());
    }

    static SessionDescription description(RTCSessionDescription d) {
        if (d == null) {
            return null;
        }
        SdpType type = switch (d.sdpType) {
            case OFFER -> SdpType.OFFER;
            case PR_ANSWER -> SdpType.PRANSWER;
            case ANSWER -> SdpType.ANSWER;
            case ROLLBACK -> SdpType.ROLLBACK;
        };
        return new SessionDescription(type, d.sdp);
    }

    /**
     * webrtc-java's candidate has no {@code usernameFragment}; the JS SDK's {@code toJSON()} has
     * one, read from the candidate line's {@code ufrag} attribute, so take it from there.
     */
    static IceCandidate candidate(RTCIceCandidate c) {
        Matcher m = UFRAG.matcher(c.sdp);
        return new IceCandidate(c.sdp, c.sdpMid, c.sdpMLineIndex, m.find() ? m.group(1) : null);
    }

    /** The native stack finds the m-section by mid first; the index only matters without one. */
    static RTCIceCandidate candidate(IceCandidate c) {
        int index = c.sdpMLineIndex() == null ? 0 : c.sdpMLineIndex();
        return new RTCIceCandidate(c.sdpMid() == null ? "" : c.sdpMid(), index, c.candidate());
    }

    static RTCDataChannelInit dataChannelInit(DataChannelInit init) {
        RTCDataChannelInit n = new RTCDataChannelInit(); // -1 = unset for the three ints
        n.ordered = init.ordered();
        n.negotiated = init.negotiated();
        if (init.maxPacketLifeTime() != null) {
            n.maxPacketLifeTime = init.maxPacketLifeTime();
        }
        if (init.maxRetransmits() != null) {
            n.maxRetransmits = init.maxRetransmits();
        }
        if (init.id() != null) {
            n.id = init.id();
        }
        n.protocol = init.protocol() == null ? "" : init.protocol();
        return n;
    }

    static SignalingState signaling(RTCSignalingState s) {
        return switch (s) {
            case STABLE -> SignalingState.STABLE;
            case HAVE_LOCAL_OFFER -> SignalingState.HAVE_LOCAL_OFFER;
            case HAVE_REMOTE_OFFER -> SignalingState.HAVE_REMOTE_OFFER;
            case HAVE_LOCAL_PR_ANSWER -> SignalingState.HAVE_LOCAL_PRANSWER;
            case HAVE_REMOTE_PR_ANSWER -> SignalingState.HAVE_REMOTE_PRANSWER;
            case CLOSED -> SignalingState.CLOSED;
        };
    }

    static IceConnectionState ice(RTCIceConnectionState s) {
        return switch (s) {
            case NEW -> IceConnectionState.NEW;
            case CHECKING -> IceConnectionState.CHECKING;
            case CONNECTED -> IceConnectionState.CONNECTED;
            case COMPLETED -> IceConnectionState.COMPLETED;
            case DISCONNECTED -> IceConnectionState.DISCONNECTED;
            case FAILED -> IceConnectionState.FAILED;
            case CLOSED -> IceConnectionState.CLOSED;
        };
    }

    static PeerConnectionState connection(RTCPeerConnectionState s) {
        return switch (s) {
            case NEW -> PeerConnectionState.NEW;
            case CONNECTING -> PeerConnectionState.CONNECTING;
            case CONNECTED -> PeerConnectionState.CONNECTED;
            case DISCONNECTED -> PeerConnectionState.DISCONNECTED;
            case FAILED -> PeerConnectionState.FAILED;
            case CLOSED -> PeerConnectionState.CLOSED;
        };
    }

    static DataChannelState dataChannel(RTCDataChannelState s) {
        return switch (s) {
            case CONNECTING -> DataChannelState.CONNECTING;
            case OPEN -> DataChannelState.OPEN;
            case CLOSING -> DataChannelState.CLOSING;
            case CLOSED -> DataChannelState.CLOSED;
        };
    }
}
