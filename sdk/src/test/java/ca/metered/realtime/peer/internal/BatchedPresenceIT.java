package ca.metered.realtime.peer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.it.RealServer;
import ca.metered.realtime.peer.MeteredPeer;
import ca.metered.realtime.peer.MeteredPeerOptions;
import ca.metered.realtime.peer.RemotePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Java SDK against a real server that coalesces presence (docs/protocol.md 2.3): peers that join
 * and leave together arrive as {@code presence} frames with several entries, and a MeteredPeer
 * (WebRTC faked; the signalling is real) ends with exactly the remote peers on the channel.
 */
class BatchedPresenceIT {
    private static final String CHANNEL = "batched";
    private RealServer server;
    private final List<SignallingClient> clients = new ArrayList<>();
    private MeteredPeer peer;

    @BeforeEach
    void start() {
        server = RealServer.start(0);
    }

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.close();
        }
        clients.forEach(SignallingClient::close);
        server.close();
    }

    @Test
    void meteredPeerEndsWithExactlyThePeersOfBatchedJoinsAndLeaves() throws Exception {
        SignallingClientOptions sig = SignallingClientOptions.builder().url(server.url()).apiKey(RealServer.PK).build();
        peer = MeteredPeer.create(MeteredPeerOptions.builder(sig).rtcPeerConnectionFactory(new FakeRtc()).build());
        SignallingClient observer = SignallingClient.create(sig);
        clients.add(observer);
        try (EventStream<ClientEvent.Presence> presence = observer.events(ClientEvent.Presence.class)) {
            peer.join(CHANNEL).get(10, TimeUnit.SECONDS);
            observer.connect().get(10, TimeUnit.SECONDS);
            observer.subscribe(CHANNEL).get(10, TimeUnit.SECONDS);

            List<SignallingClient> joiners = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                SignallingClient c = SignallingClient.create(sig);
                clients.add(c);
                joiners.add(c);
                c.connect().get(10, TimeUnit.SECONDS);
            }
            // All subscribe at once: their joins fall into few presence windows.
            CompletableFuture.allOf(joiners.stream().map(c -> c.subscribe(CHANNEL)).toArray(CompletableFuture[]::new))
                    .get(10, TimeUnit.SECONDS);
            Set<String> expected = joiners.stream().map(SignallingClient::peerId).collect(Collectors.toCollection(TreeSet::new));
            expected.add(observer.peerId());
            awaitRemotePeers(expected);

            // Half of them leave at once.
            List<SignallingClient> leaving = joiners.subList(0, 6);
            leaving.forEach(c -> expected.remove(c.peerId()));
            CompletableFuture.allOf(leaving.stream().map(c -> c.unsubscribe(CHANNEL)).toArray(CompletableFuture[]::new))
                    .get(10, TimeUnit.SECONDS);
            awaitRemotePeers(expected);

            int largest = 0;
            ClientEvent.Presence p;
            while ((p = presence.poll(Duration.ofMillis(200))) != null) {
                largest = Math.max(largest, p.joined().size() + p.left().size());
            }
            assertThat(largest).as("entries in the largest delta the observer saw").isGreaterThan(1);
        }
    }

    private void awaitRemotePeers(Set<String> expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Set<String> seen = peer.remotePeers().stream().map(RemotePeer::id)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (seen.equals(expected)) {
                return;
            }
            assertThat(System.nanoTime()).as("remote peers %s, expected %s", seen, expected).isLessThan(deadline);
            LockSupport.parkNanos(20_000_000); // polling with a deadline
        }
    }
}
