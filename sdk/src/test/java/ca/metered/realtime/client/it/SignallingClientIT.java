package ca.metered.realtime.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.OversizedPayloadException;
import ca.metered.realtime.client.ReconnectOptions;
import ca.metered.realtime.client.ServerRequestException;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.SignallingConnectException;
import ca.metered.realtime.client.SubscribeOptions;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.client.transport.JdkWebSocketTransport;
import ca.metered.realtime.client.transport.WebSocketTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against the real server over real WebSockets. Transport-agnostic: the default runs on
 * the JDK transport, and other transport modules run every test again by overriding
 * {@link #transport()} (sdk-netty: {@code NettySignallingClientIT}).
 */
public class SignallingClientIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private RealServer server;
    private final List<SignallingClient> clients = new ArrayList<>();

    /** The transport every client of this class uses. */
    protected WebSocketTransport transport() {
        return JdkWebSocketTransport.shared();
    }

    @BeforeEach
    void start() {
        server = RealServer.start(0);
    }

    @AfterEach
    void stop() {
        clients.forEach(SignallingClient::close);
        if (server != null) {
            server.close();
        }
    }

    private SignallingClient client(java.util.function.Consumer<SignallingClientOptions.Builder> customize) {
        SignallingClientOptions.Builder b = SignallingClientOptions.builder().url(server.url()).transport(transport());
        customize.accept(b);
        SignallingClient c = SignallingClient.create(b.build());
        clients.add(c);
        return c;
    }

    private SignallingClient pkClient() {
        return client(b -> b.apiKey(RealServer.PK));
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    static <E extends ClientEvent> E next(EventStream<E> s, Predicate<E> match) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            E e = s.poll(Duration.ofMillis(100));
            if (e != null && match.test(e)) {
                return e;
            }
        }
        throw new AssertionError("no matching event within 10 s");
    }

    private String mint(String peerId, Map<String, Object> extra) throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(extra);
        body.put("peerId", peerId);
        return MAPPER.readTree(server.rest("POST", "/v1/tokens", MAPPER.writeValueAsString(body))).get("token").asText();
    }

    @Test
    void twoClientsPublishAndReceiveWithAPublishableKey() throws Exception {
        SignallingClient a = pkClient();
        SignallingClient b = pkClient();
        try (EventStream<ClientEvent.Connected> connected = a.events(ClientEvent.Connected.class);
             EventStream<ClientEvent.Message> messages = b.events(ClientEvent.Message.class)) {
            await(a.connect());
            ClientEvent.Connected c = next(connected, e -> true);
            assertThat(c.expiresAt()).isNull();
            assertThat(c.maxMessageSize()).isEqualTo(65536);
            await(b.connect());
            await(b.subscribe("rooms/lobby"));
            await(a.publish("rooms/lobby", Map.of("text", "hello")));
            ClientEvent.Message m = next(messages, e -> true);
            assertThat(m.from()).isEqualTo(a.peerId());
            assertThat(m.data().get("text").asText()).isEqualTo("hello");
            assertThat(m.fromMetadata()).isNull();
        }
    }

    @Test
    void tokenProviderJwtDirectsCarryFromMetadataAndPresenceSnapshotsAndDeltas() throws Exception {
        SignallingClient alice = client(b -> b.tokenProvider(TokenProvider.blocking(() -> {
            try {
                return mint("alice", Map.of("peerMetadata", Map.of("name", "Alice")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })));
        SignallingClient bob = client(b -> b.tokenProvider(TokenProvider.blocking(() -> {
            try {
                return mint("bob", Map.of("peerMetadata", Map.of("name", "Bob")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })));
        try (EventStream<ClientEvent.Direct> directs = bob.events(ClientEvent.Direct.class);
             EventStream<ClientEvent.Presence> presence = alice.events(ClientEvent.Presence.class);
             EventStream<ClientEvent.Message> messages = bob.events(ClientEvent.Message.class)) {
            await(alice.connect());
            await(bob.connect());
            assertThat(alice.peerId()).isEqualTo("alice");
            await(alice.subscribe("room-1", SubscribeOptions.DEFAULT));
            ClientEvent.Presence snapshot = next(presence, p -> p.channel().equals("room-1"));
            assertThat(snapshot.joined()).isEmpty(); // the snapshot lists the others; alice is alone
            await(bob.subscribe("room-1", SubscribeOptions.withSenderMetadata()));
            ClientEvent.Presence joined = next(presence, p -> !p.joined().isEmpty());
            assertThat(joined.joined().get(0).peerId()).isEqualTo("bob");
            assertThat(joined.joined().get(0).metadata().get("name").asText()).isEqualTo("Bob");

            await(alice.send("bob", Map.of("type", "challenge", "nonce", "abc")));
            ClientEvent.Direct d = next(directs, e -> true);
            assertThat(d.from()).isEqualTo("alice");
            assertThat(d.fromMetadata().get("name").asText()).isEqualTo("Alice");
            assertThat(d.data().get("nonce").asText()).isEqualTo("abc");

            await(alice.publish("room-1", 42));
            ClientEvent.Message m = next(messages, e -> true);
            assertThat(m.fromMetadata().get("name").asText()).isEqualTo("Alice");

            await(bob.unsubscribe("room-1"));
            ClientEvent.Presence left = next(presence, p -> !p.left().isEmpty());
            assertThat(left.left().get(0).peerId()).isEqualTo("bob");
        }
    }

    @Test
    void serverErrorCodesArriveAsTypedExceptions() throws Exception {
        SignallingClient a = pkClient();
        await(a.connect());
        assertThatThrownBy(() -> await(a.subscribe("_metered/x")))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ServerRequestException.class)
                .extracting(e -> ((ServerRequestException) e).code()).isEqualTo("channel_reserved");
        assertThatThrownBy(() -> await(a.send("nobody-here", 1)))
                .cause().isInstanceOf(ServerRequestException.class)
                .extracting(e -> ((ServerRequestException) e).code()).isEqualTo("peer_not_found");
        assertThat(a.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void badKeyFailsTheFirstConnectWithTheCloseCode() {
        SignallingClient a = client(b -> b.apiKey("pk_live_nope"));
        assertThatThrownBy(() -> await(a.connect())).cause().isInstanceOf(SignallingConnectException.class)
                .extracting(e -> ((SignallingConnectException) e).closeCode()).isEqualTo(4001);
        assertThat(a.state()).isEqualTo(ClientState.CLOSED);
    }

    @Test
    void oversizedPayloadIsRejectedBeforeSending() throws Exception {
        SignallingClient a = pkClient();
        await(a.connect());
        assertThatThrownBy(() -> await(a.publish("c", "x".repeat(70_000))))
                .cause().isInstanceOf(OversizedPayloadException.class);
        await(a.publish("c", "still connected"));
        assertThat(a.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void restKickDisconnectsWith4020AndDoesNotReconnect() throws Exception {
        SignallingClient a = client(b -> b.tokenProvider(TokenProvider.blocking(() -> {
            try {
                return mint("kickme", Map.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })));
        try (EventStream<ClientEvent.Disconnected> disconnected = a.events(ClientEvent.Disconnected.class);
             EventStream<ClientEvent.Connected> connected = a.events(ClientEvent.Connected.class)) {
            await(a.connect());
            next(connected, e -> true);
            server.rest("DELETE", "/v1/peers/kickme", null);
            ClientEvent.Disconnected d = next(disconnected, e -> true);
            assertThat(d.code()).isEqualTo(4020);
            assertThat(d.willReconnect()).isFalse();
            assertThat(connected.poll(Duration.ofSeconds(2))).isNull();
            assertThat(a.state()).isEqualTo(ClientState.CLOSED);
        }
    }

    @Test
    void serverRestartMidStreamReconnectsResubscribesAndDeliversEverythingAfterTheResubscribe() throws Exception {
        ReconnectOptions fast = ReconnectOptions.builder().initialDelay(Duration.ofMillis(100))
                .maxDelay(Duration.ofMillis(500)).unlimitedAttempts().build();
        SignallingClient listener = client(b -> b.apiKey(RealServer.PK).reconnect(fast));
        SignallingClient publisher = client(b -> b.apiKey(RealServer.PK).reconnect(fast));
        try (EventStream<ClientEvent.Message> messages = listener.events(ClientEvent.Message.class);
             EventStream<ClientEvent.Connected> relistened = listener.events(ClientEvent.Connected.class)) {
            await(listener.connect());
            await(publisher.connect());
            await(listener.subscribe("stream"));
            for (int i = 0; i < 20; i++) {
                await(publisher.publish("stream", i));
            }
            int port = server.port();
            server.close();
            server = RealServer.start(port); // same port: the clients' URL still points at it
            next(relistened, ClientEvent.Connected::isReconnect);
            waitUntilConnected(publisher);
            // The replay subscribe is in flight; poll until a probe published after it arrives.
            Set<Integer> probes = new HashSet<>();
            int probe = 1000;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean live = false;
            while (!live && System.nanoTime() < deadline) {
                await(publisher.publish("stream", probe++));
                ClientEvent.Message m = messages.poll(Duration.ofMillis(200));
                while (m != null) {
                    if (m.data().asInt() >= 1000) {
                        live = true;
                    }
                    m = messages.poll();
                }
            }
            assertThat(live).as("resubscribed after restart").isTrue();
            for (int i = 2000; i < 2100; i++) {
                await(publisher.publish("stream", i));
                probes.add(i);
            }
            while (!probes.isEmpty()) {
                ClientEvent.Message m = next(messages, e -> true);
                probes.remove(m.data().asInt());
            }
        }
    }

    private static void waitUntilConnected(SignallingClient c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.state() != ClientState.CONNECTED && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling a condition with a deadline, not synchronising on time
        }
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void manyClientsShareAFewThreads() throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        pkClient().connect().get(10, TimeUnit.SECONDS); // warm the shared resources up
        int before = threads.getThreadCount();
        threads.resetPeakThreadCount();
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            SignallingClient c = pkClient();
            connects.add(c.connect().thenCompose(v -> c.subscribe("room-" + c.peerId())));
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        // Loops and transport run on a fixed pool; only listener threads are elastic, and there are
        // no listeners here. Not one thread per client, nor one per connect in the burst.
        assertThat(threads.getPeakThreadCount() - before).isLessThan(60); // ~20 here; 160 on an elastic pool
    }
}
