package ca.metered.realtime.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.client.transport.JdkWebSocketTransport;
import ca.metered.realtime.client.transport.WebSocketTransport;
import ca.metered.realtime.server.RmsNode;
import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.config.ConfigLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our Java SDK against two server nodes joined through a real {@code redis-server}
 * (docs/clustering.md): clients on different nodes publish, send, see presence and get kicked
 * as if there were one server. Transport-agnostic like {@link SignallingClientIT}: sdk-netty runs
 * it again over its transport by overriding {@link #transport()}.
 */
public class ClusterSdkIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Process redis;
    private final List<RmsNode> nodes = new ArrayList<>();
    private final List<SignallingClient> clients = new ArrayList<>();

    /** The transport every client of this class uses. */
    protected WebSocketTransport transport() {
        return JdkWebSocketTransport.shared();
    }

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pong(port)) {
            assertThat(System.nanoTime()).as("redis-server up").isLessThan(deadline);
            LockSupport.parkNanos(20_000_000);
        }
        ClusterSettings cluster = ClusterSettings.of(URI.create("redis://127.0.0.1:" + port));
        for (int i = 0; i < 2; i++) {
            nodes.add(RmsNode.start(ConfigLoader.parse(RealServer.YAML.formatted(0), Map.of())
                    .withCluster(cluster)));
        }
    }

    private static boolean pong(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.UTF_8));
            byte[] b = new byte[5];
            return s.getInputStream().read(b) == 5 && new String(b, StandardCharsets.UTF_8).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(SignallingClient::close);
        nodes.forEach(RmsNode::stop);
        redis.destroyForcibly();
        redis.waitFor(10, TimeUnit.SECONDS);
    }

    private static String url(RmsNode node) {
        return "ws://127.0.0.1:" + node.port();
    }

    private String rest(RmsNode node, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", RealServer.BEARER)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
        return r.body();
    }

    private SignallingClient pk(RmsNode node) {
        SignallingClient c = SignallingClient.create(SignallingClientOptions.builder().url(url(node)).transport(transport())
                .apiKey(RealServer.PK).build());
        clients.add(c);
        return c;
    }

    private SignallingClient jwt(RmsNode node, String peerId) {
        SignallingClient c = SignallingClient.create(SignallingClientOptions.builder().url(url(node)).transport(transport())
                .tokenProvider(TokenProvider.blocking(() -> {
                    try {
                        return MAPPER.readTree(rest(node, "POST", "/v1/tokens",
                                "{\"peerId\":\"" + peerId + "\"}")).get("token").asText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })).build());
        clients.add(c);
        return c;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static <E extends ClientEvent> E next(EventStream<E> s, Predicate<E> match) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            E e = s.poll(Duration.ofMillis(100));
            if (e != null && match.test(e)) {
                return e;
            }
        }
        throw new AssertionError("no matching event within 10 s");
    }

    @Test
    void publishOnOneNodeReachesSubscribersOnTheOtherButNotThePublisher() throws Exception {
        SignallingClient sub = pk(nodes.get(0));
        SignallingClient pub = pk(nodes.get(1));
        try (EventStream<ClientEvent.Message> received = sub.events(ClientEvent.Message.class);
             EventStream<ClientEvent.Message> echoed = pub.events(ClientEvent.Message.class)) {
            await(sub.connect());
            await(pub.connect());
            await(sub.subscribe("news"));
            await(pub.subscribe("news"));
            for (int i = 0; i < 20; i++) {
                await(pub.publish("news", Map.of("n", i)));
            }
            for (int i = 0; i < 20; i++) {
                ClientEvent.Message m = next(received, e -> true);
                assertThat(m.from()).isEqualTo(pub.peerId());
                assertThat(m.data().get("n").asInt()).isEqualTo(i);
            }
            assertThat(echoed.poll(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void presenceAndDirectsSpanNodes() throws Exception {
        SignallingClient alice = jwt(nodes.get(0), "alice");
        SignallingClient bob = jwt(nodes.get(1), "bob");
        try (EventStream<ClientEvent.Presence> alicePresence = alice.events(ClientEvent.Presence.class);
             EventStream<ClientEvent.Presence> bobPresence = bob.events(ClientEvent.Presence.class);
             EventStream<ClientEvent.Direct> bobDirects = bob.events(ClientEvent.Direct.class)) {
            await(alice.connect());
            await(bob.connect());
            await(alice.subscribe("room"));
            next(alicePresence, p -> p.joined().isEmpty()); // alice's snapshot
            await(bob.subscribe("room"));
            ClientEvent.Presence bobSnapshot = next(bobPresence, p -> true);
            assertThat(bobSnapshot.joined()).extracting(ClientEvent.PresencePeer::peerId).containsExactly("alice");
            ClientEvent.Presence joined = next(alicePresence, p -> !p.joined().isEmpty());
            assertThat(joined.joined()).extracting(ClientEvent.PresencePeer::peerId).containsExactly("bob");
            await(alice.send("bob", Map.of("hi", true)));
            ClientEvent.Direct d = next(bobDirects, e -> true);
            assertThat(d.from()).isEqualTo("alice");
            bob.close();
            ClientEvent.Presence left = next(alicePresence, p -> !p.left().isEmpty());
            assertThat(left.left()).extracting(ClientEvent.PresencePeer::peerId).containsExactly("bob");
        }
    }

    @Test
    void kickThroughTheOtherNodeClosesTheConnectionWith4020() throws Exception {
        SignallingClient carol = jwt(nodes.get(0), "carol");
        try (EventStream<ClientEvent.Disconnected> gone = carol.events(ClientEvent.Disconnected.class)) {
            await(carol.connect());
            String body = rest(nodes.get(1), "DELETE", "/v1/peers/carol", null);
            assertThat(MAPPER.readTree(body).get("closed").asInt()).isEqualTo(1);
            assertThat(next(gone, e -> true).code()).isEqualTo(4020);
        }
    }
}
