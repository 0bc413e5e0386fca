package ca.metered.realtime.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.config.ConfigLoader;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.config.WebhookEventType;
import ca.metered.realtime.server.time.ManualScheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelOccupied;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelVacated;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import ca.metered.realtime.server.webhook.WebhookEvent.MessagePublished;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = """
            webhooks: {batchDelay: 0ms, flapGrace: 3s, queueSize: 4, maxAttempts: 2}
            apps:
              - id: demo
                webhooks:
                  - url: http://a.test/all
                    secret: whsec_0123456789abcdef
                    events: [peer.connected, channel.occupied, channel.vacated, message.published]
                  - url: http://b.test/rooms
                    secret: whsec_fedcba9876543210
                    events: [channel.occupied, message.published]
                    channels: ["room-*"]
              - id: quiet
            """;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakePoster poster = new FakePoster();
    private final LeaseSwitch log = new LeaseSwitch(new InMemoryEventLog(scheduler));
    private WebhookService service;

    private WebhookService start(String yaml) throws Exception {
        ServerConfig config = ConfigLoader.parse(yaml, Map.of());
        service = new WebhookService(config, log, poster, scheduler, new Random(5), Runnable::run,
                Duration.ofSeconds(9));
        service.start();
        return service;
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close(Duration.ZERO);
        }
    }

    private List<String> types(FakePoster.Request r) throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).get("events").forEach(e -> out.add(e.get("type").asText() + ":"
                + (e.has("channel") ? e.get("channel").asText() : e.get("peerId").asText())));
        return out;
    }

    private List<FakePoster.Request> to(String host) {
        return poster.requests().stream().filter(r -> r.url().getHost().equals(host)).toList();
    }

    @Test
    void eachEndpointGetsWhatItListedForTheChannelsItListed() throws Exception {
        start(CONFIG);
        service.emit("demo", new PeerConnected("alice", "n1-1", null));
        service.emit("demo", new ChannelOccupied("lobby"));
        service.emit("demo", new ChannelOccupied("room-1"));
        service.emit("demo", new MessagePublished("room-1", "alice", RawJson.of("1"), null));
        service.emit("demo", new WebhookEvent.PresenceJoined("room-1", "alice", null));
        poster.open().forEach(r -> r.answer(200));
        poster.open().forEach(r -> r.answer(200));
        List<String> a = new ArrayList<>();
        for (FakePoster.Request r : to("a.test")) {
            a.addAll(types(r));
        }
        List<String> b = new ArrayList<>();
        for (FakePoster.Request r : to("b.test")) {
            b.addAll(types(r));
        }
        assertThat(a).containsExactly("peer.connected:alice", "channel.occupied:lobby", "channel.occupied:room-1",
                "message.published:room-1");
        assertThat(b).containsExactly("channel.occupied:room-1", "message.published:room-1");
        assertThat(service.wants("demo", WebhookEventType.PRESENCE_JOINED, "room-1")).isFalse();
        assertThat(service.wants("quiet", WebhookEventType.PEER_CONNECTED, null)).isFalse();
        assertThat(service.hasWebhooks("quiet")).isFalse();
    }

    @Test
    void anEntryLeavesTheLogOnlyWhenEveryEndpointIsDoneWithIt() throws Exception {
        start(CONFIG);
        service.emit("demo", new ChannelOccupied("room-1"));
        assertThat(poster.open()).hasSize(2);
        poster.open().get(0).answer(200);
        assertThat(log.inner.size()).isEqualTo(1);
        poster.open().get(0).answer(200);
        assertThat(log.inner.size()).isZero();
    }

    @Test
    void aGivenUpEntryLeavesTheLogToo() throws Exception {
        start(CONFIG);
        service.emit("demo", new PeerConnected("alice", "n1-1", null));
        poster.last().answer(500);
        scheduler.advance(Duration.ofSeconds(2));
        poster.last().answer(500);
        assertThat(service.endpointStats().get(0).gaveUp()).isEqualTo(1);
        assertThat(log.inner.size()).isZero();
    }

    @Test
    void aFlappingChannelProducesNoVacatedOccupiedPair() throws Exception {
        start(CONFIG);
        service.emit("demo", new ChannelOccupied("lobby"));
        poster.last().answer(200);
        service.emit("demo", new ChannelVacated("lobby"));
        scheduler.advance(Duration.ofSeconds(1));
        service.emit("demo", new ChannelOccupied("lobby"));
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(poster.count()).isEqualTo(1);
        assertThat(log.inner.size()).as("the cancelled pair is done with").isZero();
        service.emit("demo", new ChannelVacated("lobby"));
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(types(poster.last())).containsExactly("channel.vacated:lobby");
    }

    @Test
    void aStuckEndpointOverflowsItsQueueWhileTheLogKeepsFlowing() throws Exception {
        start(CONFIG);
        for (int i = 0; i < 30; i++) {
            service.emit("demo", new PeerConnected("p" + i, "n1-" + i, null));
        }
        EndpointStats a = service.endpointStats().get(0);
        assertThat(a.queueDepth()).as("queue of 4 plus the POST on its way").isEqualTo(5);
        assertThat(a.overflowed()).isEqualTo(25);
        assertThat(service.dropped("demo")).isZero();
        assertThat(log.inner.size()).as("only what the endpoint still owes stays in the log").isEqualTo(5);
    }

    @Test
    void withNobodyReadingAFullLogDropsAndCounts() throws Exception {
        log.granted = false;
        start(CONFIG);
        for (int i = 0; i < 30; i++) {
            service.emit("demo", new PeerConnected("p" + i, "n1-" + i, null));
        }
        // Capacity: queueSize × (endpoints + 1) = 12.
        assertThat(log.inner.size()).isEqualTo(12);
        assertThat(service.dropped("demo")).isEqualTo(18);
    }

    @Test
    void withoutTheLeaseNothingIsSentAndTheEventsWait() throws Exception {
        log.granted = false;
        start(CONFIG);
        service.emit("demo", new PeerConnected("alice", "n1-1", null));
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(poster.count()).isZero();
        assertThat(service.leading()).isEmpty();
        log.granted = true;
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(service.leading()).containsExactly("demo");
        assertThat(types(poster.last())).containsExactly("peer.connected:alice");
    }

    @Test
    void aLostLeaseStopsDeliveryAndTheNextHolderGetsWhatWasNotDone() throws Exception {
        start(CONFIG);
        service.emit("demo", new PeerConnected("alice", "n1-1", null));
        FakePoster.Request inFlight = poster.last();
        log.granted = false;
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(service.leading()).isEmpty();
        inFlight.answer(200);
        assertThat(log.inner.size()).as("an answer after the lease was lost does not count").isEqualTo(1);
        log.granted = true;
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(poster.count()).isEqualTo(2);
        assertThat(JSON.readTree(poster.last().body()).get("events").get(0).get("id").asText())
                .as("the same event, so the receiver can tell it had it")
                .isEqualTo(JSON.readTree(inFlight.body()).get("events").get(0).get("id").asText());
        poster.last().answer(200);
        assertThat(log.inner.size()).isZero();
    }

    @Test
    void aLeaseThatCannotBeRenewedIsKeptUntilItRunsOut() throws Exception {
        start(CONFIG);
        log.failing = true;
        scheduler.advance(Duration.ofSeconds(8));
        assertThat(service.leading()).containsExactly("demo");
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(service.leading()).isEmpty();
    }

    @Test
    void closingDeliversWhatIsStillOwedWithinTheTimeoutThenHandsTheLeaseBack() throws Exception {
        start(CONFIG);
        service.emit("demo", new PeerConnected("alice", "n1-1", null));
        FakePoster.Request r = poster.last();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> service.close(Duration.ofSeconds(10)));
        r.answer(200);
        closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(log.inner.size()).isZero();
        assertThat(log.resigned).containsExactly("demo");
        service = null;
    }

    /** An in-memory log whose lease the test grants or refuses. */
    static final class LeaseSwitch implements EventLog {
        final InMemoryEventLog inner;
        volatile boolean granted = true;
        volatile boolean failing;
        final List<String> resigned = new ArrayList<>();

        LeaseSwitch(InMemoryEventLog inner) {
            this.inner = inner;
        }

        @Override
        public CompletionStage<Void> configure(String appId, int capacity, boolean presence) {
            return inner.configure(appId, capacity, presence);
        }

        @Override
        public CompletionStage<Append> append(String appId, WebhookEvent event) {
            return inner.append(appId, event);
        }

        @Override
        public CompletionStage<Map<String, List<Logged>>> read(Map<String, String> after, int max, Duration wait) {
            return inner.read(after, max, wait);
        }

        @Override
        public void done(String appId, Collection<String> ids) {
            inner.done(appId, ids);
        }

        @Override
        public CompletionStage<Boolean> lead(String appId, Duration ttl) {
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("Redis is away"));
            }
            return CompletableFuture.completedFuture(granted);
        }

        @Override
        public synchronized CompletionStage<Void> resign(String appId) {
            resigned.add(appId);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Long> takeDropped(String appId) {
            return inner.takeDropped(appId);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
