package ca.metered.realtime.server.admin;

import ca.metered.realtime.server.metrics.AppMeters;
import ca.metered.realtime.server.metrics.Metric;
import ca.metered.realtime.server.metrics.NodeMetrics;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The dashboard's live data: once a second a {@link Sample} of this node (connections, channels,
 * messages received and delivered with their per-second rates, memory), read from the node's
 * meters, kept for five minutes and pushed to every open event stream; admin activity is pushed
 * as it happens.
 *
 * <p>Thread-safe. {@link #tick} runs on one thread (the admin's timer); streams are added and
 * removed from event loops.
 */
final class LiveFeed {
    static final int HISTORY = 300;
    /** Open event streams at most; a further one is refused (the dashboard retries). */
    static final int MAX_STREAMS = 32;

    private final NodeMetrics metrics;
    private final Clock clock;
    private final ObjectMapper json;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(p -> p.getName().equals("direct")).findFirst().orElse(null);
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    private final Set<Stream> streams = new CopyOnWriteArraySet<>();
    private Sample last;

    /** A browser's open event stream. */
    interface Stream {
        /** Sends one event; false when the stream is gone (it is then dropped). May skip when the client is slow. */
        boolean send(String event, String data);
    }

    /** This node, one second. Rates are per second over the time since the previous sample. */
    record Sample(long t, int connections, int channels, int subscriptions, double received, double delivered,
                  double receivedPerSecond, double deliveredPerSecond, long heapUsedBytes, long heapMaxBytes,
                  long directUsedBytes, long nettyUsedBytes, long outboundQueuedBytes, List<AppSample> apps) {
    }

    record AppSample(String id, int connections, int channels, double received, double delivered) {
    }

    LiveFeed(NodeMetrics metrics, Clock clock, ObjectMapper json) {
        this.metrics = metrics;
        this.clock = clock;
        this.json = json;
    }

    /** Takes a sample, pushes it to every stream and returns it. */
    Sample tick() {
        Sample s = sample();
        synchronized (history) {
            history.addLast(s);
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
        broadcast("sample", s);
        return s;
    }

    /** Pushes an audit entry to every stream. */
    void activity(AuditLog.Entry entry) {
        broadcast("activity", entry);
    }

    List<Sample> history() {
        synchronized (history) {
            return new ArrayList<>(history);
        }
    }

    /** Adds a stream, unless {@link #MAX_STREAMS} are open. */
    boolean open(Stream stream) {
        synchronized (streams) {
            if (streams.size() >= MAX_STREAMS) {
                return false;
            }
            streams.add(stream);
            return true;
        }
    }

    void close(Stream stream) {
        streams.remove(stream);
    }

    int streams() {
        return streams.size();
    }

    private void broadcast(String event, Object payload) {
        if (streams.isEmpty()) {
            return;
        }
        String data;
        try {
            data = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        for (Stream s : streams) {
            if (!s.send(event, data)) {
                streams.remove(s);
            }
        }
    }

    private synchronized Sample sample() {
        long now = clock.millis();
        List<AppSample> apps = new ArrayList<>();
        int connections = 0;
        int channels = 0;
        int subscriptions = 0;
        double received = 0;
        double delivered = 0;
        for (AppMeters m : metrics.apps()) {
            AppSample a = new AppSample(m.appId(), m.connections(), m.channels(), m.messagesReceived(),
                    m.messagesDelivered());
            apps.add(a);
            connections += a.connections();
            channels += a.channels();
            subscriptions += m.subscriptions();
            received += a.received();
            delivered += a.delivered();
        }
        apps.sort(Comparator.comparing(AppSample::id));
        double seconds = last == null ? 0 : Math.max(0.001, (now - last.t()) / 1000.0);
        double inRate = last == null ? 0 : Math.max(0, (received - last.received()) / seconds);
        double outRate = last == null ? 0 : Math.max(0, (delivered - last.delivered()) / seconds);
        MemoryUsage heap = memory.getHeapMemoryUsage();
        Sample s = new Sample(now, connections, channels, subscriptions, received, delivered, round(inRate),
                round(outRate), heap.getUsed(), heap.getMax(), direct == null ? -1 : direct.getMemoryUsed(),
                (long) metrics.sumOf("rms.netty.allocator.memory.used"),
                (long) metrics.sum(Metric.OUTBOUND_QUEUE_BYTES), List.copyOf(apps));
        last = s;
        return s;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
