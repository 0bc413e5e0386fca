package ca.metered.realtime.peer.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.it.RealServer;
import ca.metered.realtime.peer.rtc.IceTransportPolicy;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebRTC through a real coturn relay (docs/turn.md): rms mints the TURN credentials, two Java
 * MeteredPeers with a relay-only ICE policy take them from their welcome, and the selected
 * candidate pair in webrtc-java's stats is relay on both ends. With a secret coturn does not
 * share, the relay refuses (401) and no connection forms. Everything runs in the test's private
 * network namespace (see {@link Netns}).
 */
class TurnRelayIT {
    private static final String SECRET = "coturn-shared-secret-for-tests";
    private static final Duration WAIT = TestPeer.WAIT;
    private static WebRtcJavaBinding rtc;
    private static Coturn coturn;

    @BeforeAll
    static void start() throws Exception {
        Netns.require();
        rtc = new WebRtcJavaBinding();
        coturn = Coturn.start(SECRET);
    }

    @AfterAll
    static void stop() throws Exception {
        if (coturn != null) {
            coturn.close();
        }
        if (rtc != null) {
            rtc.close();
        }
    }

    private static String iceServers(String secret) {
        return """
                iceServers:
                  - urls: ["%s"]
                    secret: %s
                    ttl: 10m
                """.formatted(coturn.turnUrl(), secret);
    }

    @Test
    void relayOnlyPeersExchangeDataChannelMessagesThroughCoturnAndTheSelectedPairIsRelay() throws Exception {
        RecordingLogger aliceLog = new RecordingLogger();
        try (RealServer server = RealServer.start(0, iceServers(SECRET));
             TestPeer alice = TestPeer.jwt(server, rtc, "alice", true, IceTransportPolicy.RELAY, aliceLog);
             TestPeer bob = TestPeer.jwt(server, rtc, "bob", false, IceTransportPolicy.RELAY, Logger.noop())) {
            alice.peer.join("room").get(10, TimeUnit.SECONDS);
            bob.peer.join("room").get(10, TimeUnit.SECONDS);

            alice.awaitOutboundOpen("bob");
            bob.awaitInbound("alice", null);
            alice.outbound.get("bob").send("hello through the relay").get(5, TimeUnit.SECONDS);
            bob.awaitMessage("alice", "hello through the relay");
            // The channel delivered a message, so it is open on Bob's side too: answer on it.
            bob.inbound.get("alice").send("and back").get(5, TimeUnit.SECONDS);
            alice.awaitMessage("bob", "and back");

            for (TestPeer p : List.of(alice, bob)) {
                String remote = p == alice ? "bob" : "alice";
                SelectedCandidatePair pair = selectedPair(p, remote);
                assertThat(pair.local().type()).as("%s's local candidate", p.name).isEqualTo("relay");
                assertThat(pair.remote().type()).as("%s's remote candidate", p.name).isEqualTo("relay");
                assertThat(pair.relayed()).isTrue();
                assertThat(pair.local().address()).isEqualTo(Coturn.HOST);
                assertThat(pair.local().relayProtocol()).isEqualTo("udp");
                assertThat(pair.bytesSent()).isPositive();
                assertThat(pair.bytesReceived()).isPositive();
            }
            // coturn saw both peers authenticate with the usernames rms minted (<expiry>:<peerId>).
            awaitCoturnLog("user <\\d+:alice>: incoming packet ALLOCATE processed, success");
            awaitCoturnLog("user <\\d+:bob>: incoming packet ALLOCATE processed, success");
            assertThat(aliceLog.warnings("ICE server error")).isEmpty();
        }
    }

    @Test
    void aSecretCoturnDoesNotShareIsRefusedWith401AndNoConnectionForms() throws Exception {
        RecordingLogger aliceLog = new RecordingLogger();
        RecordingLogger bobLog = new RecordingLogger();
        try (RealServer server = RealServer.start(0, iceServers("not-the-coturn-secret-0123"));
             TestPeer alice = TestPeer.jwt(server, rtc, "alice", true, IceTransportPolicy.RELAY, aliceLog);
             TestPeer bob = TestPeer.jwt(server, rtc, "bob", false, IceTransportPolicy.RELAY, bobLog)) {
            alice.peer.join("room").get(10, TimeUnit.SECONDS);
            bob.peer.join("room").get(10, TimeUnit.SECONDS);

            for (RecordingLogger log : List.of(aliceLog, bobLog)) {
                await(() -> !log.warnings("ICE server error").isEmpty(), "an ICE server error in " + log);
                Map<String, Object> error = log.warnings("ICE server error").get(0);
                assertThat(error.get("errorCode")).isEqualTo(401);
                assertThat((String) error.get("url")).contains(Coturn.HOST + ":" + coturn.port);
            }
            // Once both sides finished gathering with no relay candidate, no pair can ever form.
            RTCPeerConnection a = nativePc(alice, "bob");
            RTCPeerConnection b = nativePc(bob, "alice");
            await(() -> a.getIceGatheringState() == RTCIceGatheringState.COMPLETE
                    && b.getIceGatheringState() == RTCIceGatheringState.COMPLETE, "ICE gathering to complete");
            for (RTCPeerConnection pc : List.of(a, b)) {
                assertThat(stats(pc).values()).noneMatch(s -> s.getType() == RTCStatsType.LOCAL_CANDIDATE
                        || s.getType() == RTCStatsType.CANDIDATE_PAIR);
            }
            assertThat(alice.remote("bob").state().name()).isNotEqualTo("CONNECTED");
            assertThat(bob.remote("alice").state().name()).isNotEqualTo("CONNECTED");
            awaitCoturnLog("user <\\d+:alice>: incoming packet message processed, error 401");
            awaitCoturnLog("user <\\d+:bob>: incoming packet message processed, error 401");
        }
    }

    private static RTCPeerConnection nativePc(TestPeer peer, String remoteId) throws InterruptedException {
        await(() -> peer.peer.remotePeers().stream().anyMatch(r -> r.id().equals(remoteId)),
                peer.name + " to see " + remoteId);
        return peer.remote(remoteId).peerConnection().unwrap(RTCPeerConnection.class).orElseThrow();
    }

    private static SelectedCandidatePair selectedPair(TestPeer peer, String remoteId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SelectedCandidatePair> pair = SelectedCandidatePair.of(peer.remote(remoteId).peerConnection())
                    .get(5, TimeUnit.SECONDS);
            if (pair.isPresent()) {
                return pair.get();
            }
            Thread.sleep(50); // polling a condition with a deadline, not synchronising on time
        }
        throw new AssertionError(peer.name + ": no selected candidate pair within " + WAIT);
    }

    private static Map<String, RTCStats> stats(RTCPeerConnection pc) throws Exception {
        CompletableFuture<RTCStatsReport> report = new CompletableFuture<>();
        pc.getStats(report::complete);
        return report.get(5, TimeUnit.SECONDS).getStats();
    }

    /** coturn writes its log asynchronously: wait for a line matching {@code regex}. */
    private static void awaitCoturnLog(String regex) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        await(() -> p.matcher(coturn.log()).find(), "coturn log line /" + regex + "/");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + WAIT + "\ncoturn log:\n" + coturn.log());
            }
            Thread.sleep(20); // polling a condition with a deadline, not synchronising on time
        }
    }

    /** Keeps the SDK's warnings; thread-safe. */
    static final class RecordingLogger implements Logger {
        private final List<Map.Entry<String, Map<String, Object>>> warnings = new CopyOnWriteArrayList<>();

        List<Map<String, Object>> warnings(String message) {
            return warnings.stream().filter(e -> e.getKey().equals(message)).map(Map.Entry::getValue).toList();
        }

        @Override
        public void debug(String message, Map<String, Object> context) {
        }

        @Override
        public void info(String message, Map<String, Object> context) {
        }

        @Override
        public void warn(String message, Map<String, Object> context) {
            warnings.add(Map.entry(message, Map.copyOf(context)));
        }

        @Override
        public void error(String message, Map<String, Object> context) {
        }

        @Override
        public String toString() {
            return "warnings " + warnings;
        }
    }
}
