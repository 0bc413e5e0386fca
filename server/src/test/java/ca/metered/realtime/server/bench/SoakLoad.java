package ca.metered.realtime.server.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load of {@code scripts/soak.sh} (not a test): mixed traffic with connection churn against
 * a running server, for a fixed time. Stable clients subscribe to shared rooms and a presence
 * lobby, publish and send directs to each other; churning clients connect every 100 ms with a
 * publishable key, join the lobby and a channel of their own, publish, and leave; every second a
 * token is minted over REST and used for a short connection; REST publishes and presence reads
 * run alongside. Prints one line of counters a minute.
 *
 * <pre>java … SoakLoad ws://127.0.0.1:PORT minutes key skId:skSecret</pre>
 */
public final class SoakLoad {
    private static final int STABLE = 40;
    private static final int ROOMS = 16;
    private static final Pattern PEER_ID = Pattern.compile("\"peerId\":\"([^\"]+)\"");

    private final URI ws;
    private final URI http;
    private final String key;
    private final String bearer;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
    private final List<Client> stable = new CopyOnWriteArrayList<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong churned = new AtomicLong();
    private final AtomicLong rest = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong unique = new AtomicLong();

    private SoakLoad(URI ws, String key, String bearer) {
        this.ws = ws;
        this.http = URI.create(ws.toString().replaceFirst("^ws", "http"));
        this.key = key;
        this.bearer = bearer;
    }

    public static void main(String[] args) throws Exception {
        SoakLoad load = new SoakLoad(URI.create(args[0]), args[2], args[3]);
        load.run(Duration.ofMinutes(Long.parseLong(args[1])));
        System.exit(0);
    }

    /** One WebSocket client that counts what it receives and remembers its peerId. */
    private final class Client implements WebSocket.Listener {
        final CompletableFuture<String> welcome = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        volatile WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                received.incrementAndGet();
                if (!welcome.isDone() && frame.startsWith("{\"type\":\"welcome\"")) {
                    Matcher m = PEER_ID.matcher(frame);
                    welcome.complete(m.find() ? m.group(1) : "?");
                } else if (frame.startsWith("{\"type\":\"error\"")) {
                    failures.incrementAndGet();
                }
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            if (code != 1000) {
                failures.incrementAndGet();
            }
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            failures.incrementAndGet();
        }

        void send(String text) {
            WebSocket s = socket;
            if (s != null && !s.isOutputClosed()) {
                synchronized (this) {
                    s.sendText(text, true).join(); // one outstanding send per client, as the JDK requires
                }
                sent.incrementAndGet();
            }
        }

        void close() {
            WebSocket s = socket;
            if (s != null) {
                s.sendClose(1000, "bye");
            }
        }
    }

    private Client connect(String query) {
        Client c = new Client();
        c.socket = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(ws + "/v1?" + query), c).join();
        c.welcome.orTimeout(10, TimeUnit.SECONDS).join();
        return c;
    }

    private void run(Duration duration) throws Exception {
        for (int i = 0; i < STABLE; i++) {
            Client c = connect("key=" + key);
            for (int r = 0; r < 4; r++) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"room-" + ((i + r * 5) % ROOMS) + "\",\"requestId\":\"s" + r + "\"}");
            }
            c.send("{\"type\":\"subscribe\",\"channel\":\"lobby\",\"requestId\":\"l\"}");
            stable.add(c);
        }
        List<String> peers = new ArrayList<>();
        for (Client c : stable) {
            peers.add(c.welcome.join());
        }
        // stable traffic: ~200 publishes/s and ~20 directs/s
        timer.scheduleAtFixedRate(() -> guarded(() -> {
            for (Client c : stable) {
                int room = ThreadLocalRandom.current().nextInt(ROOMS);
                c.send("{\"type\":\"publish\",\"channel\":\"room-" + room + "\",\"data\":{\"n\":" + sent.get()
                        + ",\"text\":\"soak\"}}");
            }
        }), 200, 200, TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(() -> guarded(() -> {
            for (int i = 0; i < STABLE; i++) {
                String to = peers.get(ThreadLocalRandom.current().nextInt(peers.size()));
                stable.get(i).send("{\"type\":\"send\",\"to\":\"" + to + "\",\"data\":\"hi\"}");
            }
        }), 1, 2, TimeUnit.SECONDS);
        // churn: 10 connections/s with their own channel and the presence lobby
        timer.scheduleAtFixedRate(() -> guarded(() -> {
            Client c = connect("key=" + key);
            churned.incrementAndGet();
            c.send("{\"type\":\"subscribe\",\"channel\":\"lobby\",\"requestId\":\"l\"}");
            c.send("{\"type\":\"subscribe\",\"channel\":\"churn-" + unique.incrementAndGet() + "\",\"requestId\":\"u\"}");
            for (int i = 0; i < 3; i++) {
                c.send("{\"type\":\"publish\",\"channel\":\"lobby\",\"data\":" + i + "}");
            }
            timer.schedule(c::close, 2, TimeUnit.SECONDS);
        }), 100, 100, TimeUnit.MILLISECONDS);
        // REST: a token minted and used every second; publishes and presence reads twice a second
        timer.scheduleAtFixedRate(() -> guarded(() -> {
            String body = post("/v1/tokens", "{\"peerId\":\"jwt-" + unique.incrementAndGet() + "\",\"expiresInSec\":120}");
            Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(body);
            if (m.find()) {
                Client c = connect("token=" + m.group(1));
                churned.incrementAndGet();
                c.send("{\"type\":\"subscribe\",\"channel\":\"lobby\"}");
                timer.schedule(c::close, 1, TimeUnit.SECONDS);
            } else {
                failures.incrementAndGet();
            }
        }), 1, 1, TimeUnit.SECONDS);
        timer.scheduleAtFixedRate(() -> guarded(() -> {
            post("/v1/channels/room-" + ThreadLocalRandom.current().nextInt(ROOMS) + "/publish", "{\"data\":{\"rest\":true}}");
            get("/v1/channels/lobby/peers");
        }), 500, 500, TimeUnit.MILLISECONDS);

        long end = System.nanoTime() + duration.toNanos();
        int minute = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(60_000, Math.max(1, (end - System.nanoTime()) / 1_000_000))); // a reporting period, not synchronisation
            System.out.printf("load minute %d: received %d sent %d churned %d rest %d failures %d%n", ++minute,
                    received.get(), sent.get(), churned.get(), rest.get(), failures.get());
        }
        timer.shutdownNow();
        for (Client c : stable) {
            c.close();
        }
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
        }
    }

    private String post(String path, String body) {
        return call(HttpRequest.newBuilder(http.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private String get(String path) {
        return call(HttpRequest.newBuilder(http.resolve(path)).GET());
    }

    private String call(HttpRequest.Builder b) {
        try {
            HttpResponse<String> res = client.send(b.header("Authorization", "Bearer " + bearer)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            rest.incrementAndGet();
            if (res.statusCode() != 200) {
                failures.incrementAndGet();
            }
            return res.body();
        } catch (Exception e) {
            failures.incrementAndGet();
            return "";
        }
    }
}
