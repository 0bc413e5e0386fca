package ca.metered.realtime.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * One app's meters on this node. The core keeps a reference (per connection, per channel hub)
 * so that counting a message is an increment on a field, not a lookup: the fan-out path adds
 * once per fan-out ({@link #delivered(int, long)}), never once per recipient.
 *
 * <p>Thread-safe (Micrometer meters and atomics).
 */
public final class AppMeters {
    private final String appId;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final Counter opened;
    private final Counter receivedWebSocket;
    private final Counter receivedRest;
    private final Counter receivedBytes;
    private final Counter delivered;
    private final Counter deliveredBytes;
    private final DistributionSummary fanout;
    private final Counter joined;
    private final Counter left;
    private volatile IntSupplier channels = () -> 0;

    AppMeters(String appId, MeterRegistry registry) {
        this.appId = appId;
        this.registry = registry;
        Tags app = Tags.of("app", appId);
        register(Gauge.builder(Metric.CONNECTIONS.meterName(), connections, AtomicInteger::get)
                .description(Metric.CONNECTIONS.help()).tags(app).register(registry));
        register(Gauge.builder(Metric.SUBSCRIPTIONS.meterName(), subscriptions, AtomicInteger::get)
                .description(Metric.SUBSCRIPTIONS.help()).tags(app).register(registry));
        register(Gauge.builder(Metric.CHANNELS.meterName(), this, m -> m.channels.getAsInt())
                .description(Metric.CHANNELS.help()).tags(app).register(registry));
        opened = counter(Metric.CONNECTIONS_OPENED, app);
        receivedWebSocket = counter(Metric.MESSAGES_RECEIVED, app.and("source", "websocket"));
        receivedRest = counter(Metric.MESSAGES_RECEIVED, app.and("source", "rest"));
        receivedBytes = counter(Metric.MESSAGES_RECEIVED_BYTES, app);
        delivered = counter(Metric.MESSAGES_DELIVERED, app);
        deliveredBytes = counter(Metric.MESSAGES_DELIVERED_BYTES, app);
        fanout = register(DistributionSummary.builder(Metric.FANOUT_RECIPIENTS.meterName())
                .description(Metric.FANOUT_RECIPIENTS.help()).tags(app).register(registry));
        joined = counter(Metric.PRESENCE_DELTAS, app.and("action", "joined"));
        left = counter(Metric.PRESENCE_DELTAS, app.and("action", "left"));
    }

    /** Meters in a registry of their own, exposed nowhere (tests, embedded hubs). */
    public static AppMeters unregistered(String appId) {
        return new AppMeters(appId, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    public String appId() {
        return appId;
    }

    /** A connection of this app got its welcome. */
    public void connectionOpened() {
        connections.incrementAndGet();
        opened.increment();
    }

    /** A connection counted by {@link #connectionOpened} is gone. */
    public void connectionClosed() {
        connections.decrementAndGet();
    }

    public void subscribed() {
        subscriptions.incrementAndGet();
    }

    public void unsubscribed() {
        subscriptions.decrementAndGet();
    }

    /** A publish or send accepted from a WebSocket client ({@code rest} false) or over REST. */
    public void received(boolean rest, int payloadBytes) {
        (rest ? receivedRest : receivedWebSocket).increment();
        receivedBytes.increment(payloadBytes);
    }

    /**
     * One fan-out on this node: a message went to {@code recipients} local connections,
     * {@code bytes} of frames in all.
     */
    public void fannedOut(int recipients, long bytes) {
        fanout.record(recipients);
        delivered(recipients, bytes);
    }

    /** {@code frames} message or direct frames, {@code bytes} in all, queued to local connections. */
    public void delivered(int frames, long bytes) {
        if (frames > 0) {
            delivered.increment(frames);
            deliveredBytes.increment(bytes);
        }
    }

    /** A presence delta delivered on this node. */
    public void presenceDelta(boolean join) {
        (join ? joined : left).increment();
    }

    /** Where {@code rms_channels} reads this app's channel count (the app's hub, once it exists). */
    public void channelsFrom(IntSupplier count) {
        channels = count;
    }

    /** Connections of this app open now. */
    public int connections() {
        return connections.get();
    }

    public int subscriptions() {
        return subscriptions.get();
    }

    public int channels() {
        return channels.getAsInt();
    }

    public double messagesReceived() {
        return receivedWebSocket.count() + receivedRest.count();
    }

    public double messagesDelivered() {
        return delivered.count();
    }

    /** Takes this app's meters out of the registry (the app was removed from the configuration). */
    void remove() {
        meters.forEach(registry::remove);
    }

    private Counter counter(Metric metric, Tags tags) {
        return register(Counter.builder(metric.meterName()).description(metric.help()).tags(tags).register(registry));
    }

    private <M extends Meter> M register(M meter) {
        meters.add(meter);
        return meter;
    }
}
