package ca.metered.realtime.peer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.peer.MeteredPeerOptions;
import ca.metered.realtime.peer.rtc.IceTransportPolicy;
import ca.metered.realtime.peer.rtc.RtcConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What each new peer connection is configured with: the latest welcome's ICE servers (docs/sdk-behaviour.md 4,
 * 9; docs/turn.md) and the {@code iceTransportPolicy} option.
 */
class IceConfigurationTest {
    private static final List<IceServer> FIRST = List.of(new IceServer(List.of("turn:t.example:3478"), "1:m", "c1"));
    private static final List<IceServer> SECOND = List.of(new IceServer(List.of("turn:t.example:3478"), "2:m", "c2"));

    @Test
    void theIceTransportPolicyOptionReachesEveryPeerConnection() {
        PeerHarness h = new PeerHarness("m-local", IceTransportPolicy.RELAY);
        h.joined("room", "z1", "y1");

        assertThat(h.rtc.created).hasSize(2).allSatisfy(pc ->
                assertThat(pc.configuration.iceTransportPolicy()).isEqualTo(IceTransportPolicy.RELAY));
    }

    @Test
    void allCandidatesAreAllowedByDefault() {
        SignallingClientOptions sig = SignallingClientOptions.builder().apiKey("pk_x").url("ws://localhost:9").build();
        MeteredPeerOptions options = MeteredPeerOptions.builder(sig).rtcPeerConnectionFactory(new FakeRtc()).build();

        assertThat(options.iceTransportPolicy()).isEqualTo(IceTransportPolicy.ALL);
        assertThat(new RtcConfiguration(List.of()).iceTransportPolicy()).isEqualTo(IceTransportPolicy.ALL);
        assertThat(options.toString()).contains("iceTransportPolicy=ALL");
    }

    @Test
    void newConnectionsAfterAReconnectUseTheNewWelcomesListAndLiveOnesKeepTheirs() {
        PeerHarness h = new PeerHarness();
        h.client.iceServers = FIRST;
        h.joined("room", "z1");
        FakeRtc.FakePc z1Before = h.rtc.last();
        assertThat(z1Before.configuration.iceServers()).isEqualTo(FIRST);

        h.client.drop();
        h.client.iceServers = SECOND;
        h.client.welcome(true);
        h.presence("room", List.of("m-local", "z1", "x1"), List.of());

        // The reconcile swapped z1's connection and x1 is new: both on the fresh credentials.
        FakeRtc.FakePc z1After = (FakeRtc.FakePc) h.remote("z1").peerConnection();
        FakeRtc.FakePc x1 = (FakeRtc.FakePc) h.remote("x1").peerConnection();
        assertThat(z1After).isNotSameAs(z1Before);
        assertThat(z1After.configuration.iceServers()).isEqualTo(SECOND);
        assertThat(x1.configuration.iceServers()).isEqualTo(SECOND);
        // The old connection was never reconfigured (an ICE restart would reuse its list).
        assertThat(z1Before.configuration.iceServers()).isEqualTo(FIRST);
    }

    @Test
    void aReconnectWelcomeWithoutIceServersKeepsThePreviousList() {
        PeerHarness h = new PeerHarness();
        h.client.iceServers = FIRST;
        h.joined("room");
        h.client.drop();
        h.client.iceServers = null;
        h.client.welcome(true);
        h.presence("room", List.of("m-local", "z1"), List.of());

        assertThat(((FakeRtc.FakePc) h.remote("z1").peerConnection()).configuration.iceServers()).isEqualTo(FIRST);
    }

    @Test
    void anIceServerErrorOfTheStackIsLoggedAsAWarning() {
        PeerHarness h = new PeerHarness();
        h.joined("room", "z1");

        h.rtc.last().observer.onIceServerError("turn:t.example:3478?transport=udp", 401, "Unauthorized");

        assertThat(h.logs).contains("warn ICE server error");
    }
}
