package ca.metered.realtime.peer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.internal.EventHub;
import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.peer.PeerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SignalRouter} alone: what arrives over signalling goes to connections, caches or {@code data}. */
class SignalRouterTest {
    final Remotes r = new Remotes();
    final EventHub<PeerEvent> hub = new EventHub<>(Runnable::run, r.logger);
    final List<PeerEvent.Data> data = new ArrayList<>();
    String channel = "room";
    final Roster roster = new Roster(r.new RosterHost(), hub, r.timers, r.logger);
    final SignalRouter router = new SignalRouter(roster, hub, () -> channel, () -> r.localPeerId, r.logger);

    SignalRouterTest() {
        hub.on(PeerEvent.Data.class, data::add, false);
        roster.add("z1", null);
    }

    private void direct(String from, Object payload) {
        router.direct(new ClientEvent.Direct(from, Json.valueToTree(payload), Json.parse("{\"name\":\"" + from + "\"}")));
    }

    @Test
    void descriptionsAndCandidatesGoToTheSendersConnection() {
        direct("z1", Map.of("type", "rtc-description", "description", Map.of("type", "offer", "sdp", "v=0 remote")));
        direct("z1", Map.of("type", "rtc-ice", "candidate", Map.of("candidate", "candidate:1 1 udp 1 10.0.0.1 9 typ host",
                "sdpMid", "0", "sdpMLineIndex", 0)));
        FakeRtc.FakePc pc = r.pc(roster.get("z1"));
        assertThat(pc.ops).containsSubsequence("setRemote:offer", "createAnswer", "setLocal:answer",
                "addIce:candidate:1 1 udp 1 10.0.0.1 9 typ host");
        assertThat(r.signalsTo("z1")).anyMatch(s -> s.contains("\"answer\""));
        assertThat(data).isEmpty();
    }

    @Test
    void trackMetadataUpdatesTheSendersCacheAndAClearRemovesIt() {
        direct("z1", Map.of(Signals.TRACK_META_KEY, Map.of("trackId", "cam", "metadata", Map.of("role", "camera"))));
        assertThat(roster.get("z1").trackMetadata("cam").get("role").asText()).isEqualTo("camera");
        direct("z1", Map.of(Signals.TRACK_META_KEY, Map.of("trackId", "cam")));
        assertThat(roster.get("z1").trackMetadata("cam")).isNull();
        assertThat(data).isEmpty();
    }

    @Test
    void directsFromPeersNotInPresenceAreDroppedSignalsAndDataAlike() {
        direct("stranger", Map.of("type", "rtc-description", "description", Map.of("type", "offer", "sdp", "v=0")));
        direct("stranger", Map.of("hello", 1));
        direct("stranger", Map.of(Signals.TRACK_META_KEY, Map.of("trackId", "cam")));
        assertThat(data).isEmpty();
        assertThat(r.rtc.created).hasSize(1); // z1's only; no connection for the stranger
        assertThat(r.logs).contains("debug MeteredPeer: dropping direct from unknown peerId");
    }

    @Test
    void userDirectsFromMembersAreDataWithSenderMetadata() {
        direct("z1", Json.parse("{\"type\":\"chat\",\"text\":\"hi\"}")); // a 'type' that is not a signal is user data
        direct("z1", Map.of("type", "rtc-ice"));                // rtc-ice without 'candidate': user data too
        assertThat(data).extracting(d -> d.kind() + " " + d.senderPeerId() + " " + d.data() + " " + d.senderMetadata())
                .containsExactly("DIRECT z1 {\"type\":\"chat\",\"text\":\"hi\"} {\"name\":\"z1\"}",
                        "DIRECT z1 {\"type\":\"rtc-ice\"} {\"name\":\"z1\"}");
    }

    @Test
    void broadcastsOnTheChannelAreDataFromAnySenderButSelfAsInJs() {
        router.message(new ClientEvent.Message("room", "z1", Json.parse("1"), null));
        // Not in presence (a REST publish, or a publisher that never subscribed): still data, as in
        // JS 1.2.0's onMessage; seed 001 scopes data to presence, JS applies that to directs only.
        router.message(new ClientEvent.Message("room", "server", Json.parse("2"), null));
        router.message(new ClientEvent.Message("room", "m-local", Json.parse("3"), null)); // own echo
        router.message(new ClientEvent.Message("elsewhere", "z1", Json.parse("4"), null));
        channel = null; // not joined (yet, or any more)
        router.message(new ClientEvent.Message("room", "z1", Json.parse("5"), null));
        assertThat(data).extracting(d -> d.kind() + " " + d.senderPeerId() + " " + d.data())
                .containsExactly("BROADCAST z1 1", "BROADCAST server 2");
    }
}
