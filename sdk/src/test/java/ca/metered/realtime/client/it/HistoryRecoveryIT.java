package ca.metered.realtime.client.it;

import static ca.metered.realtime.client.it.SignallingClientIT.await;
import static ca.metered.realtime.client.it.SignallingClientIT.next;
import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.HistoryPage;
import ca.metered.realtime.client.PublishOptions;
import ca.metered.realtime.client.ServerRequestException;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's side of docs/protocol.md 9 against the real server: positions on messages, the recovery
 * outcome, {@code history(...)}, idempotent publish and in-band token refresh (RealServer keeps
 * history on {@code hist/**}). Recovery across dropped connections, a killed node and a Redis
 * restart is the cli module's RecoveryChaosIT.
 */
class HistoryRecoveryIT {
    private RealServer server;
    private final List<SignallingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = RealServer.start(0);
    }

    @AfterEach
    void stop() {
        clients.forEach(SignallingClient::close);
        server.close();
    }

    private SignallingClient client(Consumer<SignallingClientOptions.Builder> customize) throws Exception {
        SignallingClientOptions.Builder b = SignallingClientOptions.builder().url(server.url());
        customize.accept(b);
        SignallingClient c = SignallingClient.create(b.build());
        clients.add(c);
        return c;
    }

    @Test
    void messagesCarryPositionsTheFirstSubscribeSaysWhereItStartsAndHistoryReadsThem() throws Exception {
        SignallingClient pub = client(b -> b.apiKey(RealServer.PK));
        SignallingClient sub = client(b -> b.apiKey(RealServer.PK).recovery(true));
        await(pub.connect());
        try (EventStream<ClientEvent.Recovery> recoveries = sub.events(ClientEvent.Recovery.class);
             EventStream<ClientEvent.Message> messages = sub.events(ClientEvent.Message.class)) {
            await(sub.connect());
            await(pub.publish("hist/a", "before"));
            await(sub.subscribe("hist/a"));
            ClientEvent.Recovery first = next(recoveries, r -> true);
            assertThat(first.recovered()).isTrue();
            assertThat(first.from()).isNull();
            assertThat(first.position().offset()).isEqualTo(1);
            StreamPosition at = await(pub.publish("hist/a", "after", PublishOptions.idempotent()));
            assertThat(at).isEqualTo(new StreamPosition(first.position().epoch(), 2));
            ClientEvent.Message m = next(messages, x -> true);
            assertThat(m.data().asText()).isEqualTo("after");
            assertThat(m.position()).isEqualTo(at);
            assertThat(m.toJson()).contains("\"offset\":2", "\"epoch\":\"" + at.epoch() + "\"");
        }
        HistoryPage all = await(sub.history("hist/a", 10));
        assertThat(all.messages()).extracting(x -> x.data().asText()).containsExactly("before", "after");
        assertThat(all.position().offset()).isEqualTo(2);
        HistoryPage since = await(sub.history("hist/a", 10, all.messages().get(0).position()));
        assertThat(since.messages()).extracting(x -> x.data().asText()).containsExactly("after");

        ExecutionException none = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> await(sub.history("plain", 10)), ExecutionException.class);
        assertThat(none.getCause()).isInstanceOf(ServerRequestException.class);
        assertThat(((ServerRequestException) none.getCause()).code()).isEqualTo("history_not_enabled");
    }

    @Test
    void aRepeatedIdempotencyKeyIsDeliveredOnceAndAckedWithTheFirstPosition() throws Exception {
        SignallingClient pub = client(b -> b.apiKey(RealServer.PK));
        SignallingClient sub = client(b -> b.apiKey(RealServer.PK));
        await(pub.connect());
        await(sub.connect());
        try (EventStream<ClientEvent.Message> messages = sub.events(ClientEvent.Message.class)) {
            await(sub.subscribe("hist/idem"));
            StreamPosition first = await(pub.publish("hist/idem", 1, PublishOptions.withKey("order-42")));
            StreamPosition again = await(pub.publish("hist/idem", 1, PublishOptions.withKey("order-42")));
            assertThat(again).isEqualTo(first);
            await(pub.publish("hist/idem", 2, PublishOptions.withKey("order-43")));
            assertThat(next(messages, x -> true).data().asInt()).isEqualTo(1);
            assertThat(next(messages, x -> true).data().asInt()).isEqualTo(2); // the repeat was not delivered
        }
    }

    @Test
    void theTokenIsRefreshedInBandBeforeExpAndTheConnectionOutlivesIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SignallingClient c = client(b -> b.tokenProvider(TokenProvider.blocking(() -> {
            calls.incrementAndGet();
            return server.mint("refresher", 7);
        })));
        try (EventStream<ClientEvent> events = c.events(ClientEvent.class)) {
            await(c.connect());
            ClientEvent.Connected welcome = (ClientEvent.Connected) next(events, e -> e instanceof ClientEvent.Connected);
            long firstExp = welcome.expiresAt();
            // Past the first token's exp (+1 s): still the same connection, and it still works.
            long until = System.currentTimeMillis() + (firstExp + 1) * 1000 - System.currentTimeMillis() / 1000 * 1000;
            long deadline = Math.max(until, System.currentTimeMillis() + 8_000);
            while (System.currentTimeMillis() < deadline) {
                ClientEvent e = events.poll(Duration.ofMillis(200));
                if (e != null) {
                    assertThat(e).as("no disconnect while refreshing").isNotInstanceOf(ClientEvent.Disconnected.class);
                }
            }
            await(c.subscribe("hist/after-exp"));
            assertThat(calls.get()).as("token provider calls: connect + refreshes").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aRefusedRefreshReconnectsWithAFreshToken() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SignallingClient c = client(b -> b.tokenProvider(TokenProvider.blocking(() ->
                // the second token names another subject: the server refuses it (token_mismatch)
                server.mint(calls.incrementAndGet() == 2 ? "someone-else" : "me", 6))));
        try (EventStream<ClientEvent> events = c.events(ClientEvent.class)) {
            await(c.connect());
            ClientEvent.Disconnected d = (ClientEvent.Disconnected) next(events, e -> e instanceof ClientEvent.Disconnected);
            assertThat(d.code()).isEqualTo(4000);
            assertThat(d.willReconnect()).isTrue();
            ClientEvent.Connected again = (ClientEvent.Connected) next(events,
                    e -> e instanceof ClientEvent.Connected x && x.isReconnect());
            assertThat(again.peerId()).isEqualTo("me");
            assertThat(calls.get()).isEqualTo(3);
        }
    }

    @Test
    void publishWithRetriesWaitsForTheConnectionAndKeepsItsKey() throws Exception {
        SignallingClient pub = client(b -> b.apiKey(RealServer.PK));
        SignallingClient sub = client(b -> b.apiKey(RealServer.PK));
        await(sub.connect());
        await(sub.subscribe("hist/later"));
        try (EventStream<ClientEvent.Message> messages = sub.events(ClientEvent.Message.class)) {
            // Not connected yet: the publish is parked, then sent after the welcome.
            CompletableFuture<StreamPosition> parked = pub.publish("hist/later", Map.of("n", 1),
                    PublishOptions.idempotent().retryFor(Duration.ofSeconds(10)));
            await(pub.connect());
            assertThat(await(parked).offset()).isEqualTo(1);
            assertThat(next(messages, x -> true).data().get("n").asInt()).isEqualTo(1);
        }
    }
}
