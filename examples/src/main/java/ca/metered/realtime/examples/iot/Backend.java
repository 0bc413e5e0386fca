package ca.metered.realtime.examples.iot;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.examples.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet backend: one wildcard subscription {@code fleet/*}{@code /telemetry} sees every
 * device's readings (the {@code message} event's {@code channel} says which device), and commands go
 * back as publishes on {@code fleet/<device>/cmd}. A device that reports a temperature above the
 * threshold is told to report faster.
 *
 * <p>Thread-safe; readings are handled on the client's callback thread.
 */
public final class Backend implements AutoCloseable {
    static final String TELEMETRY = "fleet/*/telemetry";

    private final SignallingClient client;
    private final double hotThreshold;
    private final Map<String, JsonNode> latest = new ConcurrentHashMap<>();
    private final Map<String, Boolean> toldToSpeedUp = new ConcurrentHashMap<>();
    private final AtomicLong readings = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();

    public Backend(String url, Tokens tokens, double hotThreshold) {
        this.hotThreshold = hotThreshold;
        Tokens.Grant grant = new Tokens.Grant("fleet-backend", List.of("fleet/**"), List.of("subscribe", "publish"),
                Map.of("kind", "backend"));
        this.client = SignallingClient.create(SignallingClientOptions.builder().url(url)
                .tokenProvider(tokens.provider(grant)).build());
        client.on(ClientEvent.Message.class, this::onTelemetry);
    }

    public CompletableFuture<Void> start() {
        return client.connect().thenCompose(v -> client.subscribe(TELEMETRY));
    }

    /** Sends a command to one device. */
    public CompletableFuture<Void> command(String deviceId, Map<String, ?> command) {
        return client.publish(Device.commandChannel(deviceId), command);
    }

    private void onTelemetry(ClientEvent.Message m) {
        String[] parts = m.channel().split("/");
        if (parts.length != 3 || !parts[0].equals("fleet") || !parts[2].equals("telemetry")) {
            return;
        }
        String device = parts[1];
        JsonNode data = m.data();
        if (data.has("ack")) {
            acks.incrementAndGet();
            return;
        }
        readings.incrementAndGet();
        latest.put(device, data);
        if (data.path("temperature").asDouble() > hotThreshold && toldToSpeedUp.putIfAbsent(device, true) == null) {
            command(device, Map.of("cmd", "set-interval", "ms", 100));
        }
    }

    /** The last reading of each device, by device id. */
    public Map<String, JsonNode> latest() {
        return new TreeMap<>(latest);
    }

    public long readings() {
        return readings.get();
    }

    public long acks() {
        return acks.get();
    }

    @Override
    public void close() {
        client.close();
    }
}
