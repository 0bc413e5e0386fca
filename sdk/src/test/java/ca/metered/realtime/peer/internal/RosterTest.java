package ca.metered.realtime.peer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.IceServer;
import ca.metered.realtime.client.internal.EventHub;
import ca.metered.realtime.client.internal.Json;
import ca.metered.realtime.peer.PeerEvent;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.RemotePeerEvent;
import ca.metered.realtime.peer.RemotePeerState;
import ca.metered.realtime.peer.rtc.PeerConnectionState;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link Roster} alone: presence, the peer cap and the post-reconnect reconcile, on the fake RTC port. */
class RosterTest {
    final Remotes r = new Remotes();
    final List<PeerEvent> events = new ArrayList<>();
    final EventHub<PeerEvent> hub = new EventHub<>(Runnable::run, r.logger);
    final Remotes.RosterHost host = r.new RosterHost();
    final List<String> calls = host.calls;
    final Roster roster = new Roster(host, hub, r.timers, r.logger);

    RosterTest() {
        hub.on(PeerEvent.class, events::add, false);
        host.eventsSoFar = events::size;
    }

    private static ClientEvent.Presence presence(List<String> joined, List<String> left) {
        return new ClientEvent.Presence("room", joined.stream().map(id -> new ClientEvent.PresencePeer(id, null)).toList(),
                left.stream().map(id -> new ClientEvent.PresencePeer(id, null)).toList());
    }

    private List<String> names(Class<? extends PeerEvent> type) {
        return events.stream().filter(type::isInstance).map(e -> e instanceof PeerEvent.PeerJoined j ? j.peer().id()
                : ((PeerEvent.PeerLeft) e).peer().id()).toList();
    }

    @Test
    void presenceAddsAndRemovesPeersMediaFirstSelfExcluded() {
        roster.presence(presence(List.of("z1", "m-local", "y1"), List.of()));
        assertThat(roster.snapshot()).extracting(RemotePeer::id).containsExactly("z1", "y1");
        // Media is attached before peer-joined, so the first offer carries it (docs/sdk-behaviour.md 3).
        assertThat(calls).containsExactly("attach z1 (0 events so far)", "attach y1 (1 events so far)");
        roster.presence(presence(List.of("z1"), List.of("y1", "nobody")));
        assertThat(names(PeerEvent.PeerJoined.class)).containsExactly("z1", "y1");
        assertThat(names(PeerEvent.PeerLeft.class)).containsExactly("y1");
        assertThat(roster.snapshot()).extracting(RemotePeer::id).containsExactly("z1");
        assertThat(r.logs).contains("warn MeteredPeer: peer-left for unknown peerId");
    }

    @Test
    void atMost256PeersPerChannel() {
        r.localPeerId = "0-local";
        roster.presence(presence(IntStream.range(0, 260).mapToObj(i -> "p" + i).toList(), List.of()));
        assertThat(roster.snapshot()).hasSize(Roster.MAX_PEERS_PER_CHANNEL);
        assertThat(r.logs).filteredOn(l -> l.contains("peer cap")).hasSize(4);
    }

    @Test
    void reconcileKeepsSurvivorsRefreshingMetadataRemovesDeparturesAndAddsNewcomers() throws Exception {
        roster.presence(presence(List.of("z1", "y1"), List.of()));
        DefaultRemotePeer z1 = roster.get("z1");
        List<RemotePeerEvent> z1Events = new ArrayList<>();
        z1.on(RemotePeerEvent.class, z1Events::add);
        FakeRtc.FakePc oldPc = r.pc(z1);
        oldPc.connectionState(PeerConnectionState.CONNECTING);
        oldPc.connectionState(PeerConnectionState.CONNECTED);

        host.reconnecting = true;
        roster.dropped();
        assertThat(z1.state()).isEqualTo(RemotePeerState.RECONNECTING);
        assertThat(roster.get("y1").state()).isEqualTo(RemotePeerState.IDLE); // never negotiated: stays idle
        roster.reconnected();
        assertThat(roster.reconcilePending()).isTrue();
        JsonNode fresh = Json.parse("{\"name\":\"Zed\"}");
        roster.presence(new ClientEvent.Presence("room", List.of(new ClientEvent.PresencePeer("z1", fresh),
                new ClientEvent.PresencePeer("x1", null)), List.of()));

        assertThat(roster.get("z1")).isSameAs(z1);
        assertThat(z1.metadata()).isEqualTo(fresh);                  // refreshed from the snapshot, no event
        assertThat(r.pc(z1)).isNotSameAs(oldPc);
        assertThat(oldPc.closed).isTrue();
        // connecting, connected, reconnecting (the drop), then the swap: connection-reset, no peer-left/joined
        assertThat(z1Events).extracting(RemotePeerEvent::eventName)
                .containsExactly("state-change", "state-change", "state-change", "connection-reset");
        assertThat(names(PeerEvent.PeerLeft.class)).containsExactly("y1");
        assertThat(names(PeerEvent.PeerJoined.class)).containsExactly("z1", "y1", "x1");
        // Departures first (y1 left = 3rd event), then the survivor's swap re-attaches media, then newcomers.
        assertThat(calls).endsWith("attach z1 (3 events so far)", "attach x1 (3 events so far)", "reconciled");
        assertThat(roster.reconcilePending()).isFalse();
    }

    @Test
    void swappedConnectionsUseTheIceServersOfTheLatestWelcome() {
        IceServer first = new IceServer(List.of("turn:a.example.com"), "u", "c");
        r.iceServers = List.of(first);
        roster.presence(presence(List.of("z1"), List.of()));
        host.reconnecting = true;
        roster.dropped();
        roster.reconnected();
        roster.presence(presence(List.of("z1"), List.of()));
        assertThat(r.rtc.created).hasSize(2);
        assertThat(r.rtc.created.get(1).configuration.iceServers()).containsExactly(first);
    }

    @Test
    void reconnectWithNobodyThereIsDoneAtOnce() {
        host.reconnecting = true;
        roster.dropped();
        roster.reconnected();
        assertThat(calls).containsExactly("reconciled");
        assertThat(roster.reconcilePending()).isFalse();
    }

    @Test
    void noSnapshotResubscribesTwiceTenSecondsApartThenTimesOut() {
        roster.presence(presence(List.of("z1"), List.of()));
        host.reconnecting = true;
        roster.dropped();
        roster.reconnected();
        r.scheduler.advance(Roster.RECONCILE_DEADLINE_MS - 1);
        assertThat(calls).isEqualTo(List.of("attach z1 (0 events so far)"));
        r.scheduler.advance(1);
        r.scheduler.advance(Roster.RECONCILE_DEADLINE_MS);
        r.scheduler.advance(Roster.RECONCILE_DEADLINE_MS);
        assertThat(calls).containsExactly("attach z1 (0 events so far)", "resubscribe 1", "resubscribe 2", "timed out");
        r.scheduler.advance(60_000);
        assertThat(calls).hasSize(4);
    }

    @Test
    void aDeadlineWhileDisconnectedDoesNotSpendAResubscribe() {
        roster.presence(presence(List.of("z1"), List.of()));
        host.reconnecting = true;
        roster.dropped();
        roster.reconnected();
        host.connected = false;
        r.scheduler.advance(Roster.RECONCILE_DEADLINE_MS);
        assertThat(calls).containsExactly("attach z1 (0 events so far)", "resubscribe 1");
        r.scheduler.advance(60_000); // the deadline is not re-armed; the next welcome re-arms it
        assertThat(calls).hasSize(2);
    }

    @Test
    void closingFromAListenerStopsTheReconcileLoop() {
        roster.presence(presence(List.of("z1", "y1"), List.of()));
        host.reconnecting = true;
        roster.dropped();
        roster.reconnected();
        hub.on(PeerEvent.PeerLeft.class, e -> host.reconnecting = false, false); // the app closes on the first peer-left
        roster.presence(presence(List.of("x1"), List.of()));
        assertThat(names(PeerEvent.PeerLeft.class)).containsExactly("z1");
        assertThat(roster.get("x1")).isNull();
        assertThat(calls).doesNotContain("reconciled");
    }
}
