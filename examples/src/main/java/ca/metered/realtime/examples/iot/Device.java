package ca.metered.realtime.examples.iot;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ReconnectOptions;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.examples.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sensor: publishes readings to {@code fleet/sensor-<id>/telemetry} and obeys commands on
 * {@code fleet/sensor-<id>/cmd}. Its JWT names exactly those two channels, and it reconnects forever
 * (capped at 60 s between attempts), as the IoT guide recommends for unattended devices.
 *
 * <p>Thread-safe; commands are handled on the client's callback thread.
 */
public final class Device implements AutoCloseable {
    private final String id;
    private final SignallingClient client;
    private final AtomicLong seq = new AtomicLong();
    private final List<JsonNode> commands = new CopyOnWriteArrayList<>();
    private volatile long intervalMs = 1000;

    public Device(String url, Tokens tokens, String id) {
        this.id = id;
        Tokens.Grant grant = new Tokens.Grant(id, List.of(telemetryChannel(id), commandChannel(id)),
                List.of("subscribe", "publish"), Map.of("kind", "sensor", "model", "th-1"));
        this.client = SignallingClient.create(SignallingClientOptions.builder().url(url)
                .tokenProvider(tokens.provider(grant))
                .reconnect(ReconnectOptions.builder().unlimitedAttempts().maxDelay(Duration.ofSeconds(60)).build())
                .build());
        client.on(ClientEvent.Message.class, this::onCommand);
    }

    static String telemetryChannel(String id) {
        return "fleet/" + id + "/telemetry";
    }

    static String commandChannel(String id) {
        return "fleet/" + id + "/cmd";
    }

    /** Connects and listens on the command channel; completes on the subscribe ack. */
    public CompletableFuture<Void> start() {
        return client.connect().thenCompose(v -> client.subscribe(commandChannel(id)));
    }

    /** Publishes one reading; completes on the server's ack. */
    public CompletableFuture<Void> publishReading(double temperature) {
        return client.publish(telemetryChannel(id), Map.of("seq", seq.incrementAndGet(),
                "temperature", temperature, "intervalMs", intervalMs));
    }

    public String id() {
        return id;
    }

    /** Milliseconds between readings; changed by the backend's {@code set-interval} command. */
    public long intervalMs() {
        return intervalMs;
    }

    public List<JsonNode> commands() {
        return List.copyOf(commands);
    }

    private void onCommand(ClientEvent.Message m) {
        if (!m.channel().equals(commandChannel(id))) {
            return;
        }
        commands.add(m.data());
        if ("set-interval".equals(m.data().path("cmd").asText())) {
            intervalMs = m.data().path("ms").asLong(intervalMs);
            // Report the applied setting on telemetry so the backend sees it took effect.
            client.publish(telemetryChannel(id), Map.of("ack", "set-interval", "intervalMs", intervalMs));
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
