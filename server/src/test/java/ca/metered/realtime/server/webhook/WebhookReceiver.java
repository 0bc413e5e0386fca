package ca.metered.realtime.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A webhook receiver for tests: the JDK's {@link HttpServer} on a free loopback port, recording
 * every request and answering as the test scripted (a status, a {@code Retry-After}, a redirect,
 * or no answer at all until closed). Waits poll with a deadline.
 *
 * <p>Thread-safe.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How to answer one request. */
    public record Answer(int status, Map<String, String> headers, boolean hangs) {
        public static Answer status(int status) {
            return new Answer(status, Map.of(), false);
        }

        public static Answer retryAfter(int status, String retryAfter) {
            return new Answer(status, Map.of("Retry-After", retryAfter), false);
        }

        public static Answer redirect(int status, URI to) {
            return new Answer(status, Map.of("Location", to.toString()), false);
        }

        /** Reads the request and never answers (until the receiver closes). */
        public static Answer hang() {
            return new Answer(0, Map.of(), true);
        }
    }

    /** One request as received, with the status it was answered ({@code 0} when held unanswered). */
    public record Received(String path, Map<String, List<String>> headers, byte[] body, long atNanos, int status) {
        /** Answered 2xx: the sender counts its events as delivered. */
        public boolean accepted() {
            return status >= 200 && status < 300;
        }

        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-receiver");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Received> received = new ArrayList<>();
    private final Deque<Answer> script = new ArrayDeque<>();
    private Answer otherwise = Answer.status(200);
    private int hanging;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    /** Starts on a free loopback port, answering 200 to everything. */
    public static WebhookReceiver start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            WebhookReceiver r = new WebhookReceiver(s);
            s.createContext("/", r::handle);
            s.setExecutor(r.executor);
            s.start();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The next requests get these answers, in order; then {@link #otherwise}. */
    public synchronized WebhookReceiver thenAnswer(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    /** Every request beyond the scripted ones gets this answer. */
    public synchronized WebhookReceiver otherwise(Answer answer) {
        otherwise = answer;
        return this;
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** Requests being held without an answer now. */
    public synchronized int hanging() {
        return hanging;
    }

    /** Every event of every request, in arrival order (repeats included). */
    public List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (Received r : received()) {
            r.json().get("events").forEach(out::add);
        }
        return out;
    }

    /** The events of the requests answered 2xx, in arrival order (repeats included). */
    public List<JsonNode> acceptedEvents() {
        List<JsonNode> out = new ArrayList<>();
        for (Received r : received()) {
            if (r.accepted()) {
                r.json().get("events").forEach(out::add);
            }
        }
        return out;
    }

    /** Waits until the events of the requests answered 2xx satisfy {@code condition}. */
    public List<JsonNode> awaitAccepted(Duration within, Predicate<List<JsonNode>> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() - deadline < 0) {
            List<JsonNode> now = acceptedEvents();
            if (condition.test(now)) {
                return now;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the receiver did not accept the expected events within " + within + "; got "
                + acceptedEvents());
    }

    /** Waits until {@code condition} holds for what was received, or fails after {@code within}. */
    public List<Received> await(Duration within, Predicate<List<Received>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() - deadline < 0) {
            List<Received> now = received();
            if (condition.test(now)) {
                return now;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the receiver did not get what was expected within " + within + "; got "
                + received().stream().map(Received::text).toList());
    }

    /** Waits for at least {@code n} requests. */
    public List<Received> awaitRequests(int n, Duration within) throws InterruptedException {
        return await(within, r -> r.size() >= n);
    }

    /** Waits until the events received satisfy {@code condition}. */
    public List<JsonNode> awaitEvents(Duration within, Predicate<List<JsonNode>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() - deadline < 0) {
            List<JsonNode> now = events();
            if (condition.test(now)) {
                return now;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the receiver did not get the expected events within " + within + "; got "
                + events());
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Answer answer;
        synchronized (this) {
            answer = script.isEmpty() ? otherwise : script.poll();
            received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                    body, System.nanoTime(), answer.hangs() ? 0 : answer.status()));
            if (answer.hangs()) {
                hanging++;
            }
        }
        if (answer.hangs()) {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                hanging--;
            }
            exchange.close();
            return;
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(answer.status(), -1);
        exchange.close();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
