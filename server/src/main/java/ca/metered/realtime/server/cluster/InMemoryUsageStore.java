package ca.metered.realtime.server.cluster;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Usage counters shared by every member of an {@link InMemoryCluster}; the period is the UTC
 * calendar month. Every stage is already complete when returned.
 *
 * <p>Thread-safe.
 */
final class InMemoryUsageStore implements UsageStore {
    private final Clock clock;
    private final Map<String, Counters> apps = new ConcurrentHashMap<>();

    InMemoryUsageStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletionStage<Boolean> tryOpenConnection(String appId, String peerId, int max) {
        Counters c = counters(appId);
        synchronized (c) {
            if (c.concurrent >= max) {
                return CompletableFuture.completedFuture(false);
            }
            c.concurrent++;
            c.peak = Math.max(c.peak, c.concurrent);
            c.peers.merge(peerId, 1L, Long::sum);
            return CompletableFuture.completedFuture(true);
        }
    }

    @Override
    public CompletionStage<Void> closeConnection(String appId, String peerId) {
        Counters c = counters(appId);
        synchronized (c) {
            c.concurrent = Math.max(0, c.concurrent - 1);
            c.peers.computeIfPresent(peerId, (id, n) -> n <= 1 ? null : n - 1);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> countMessage(String appId, long max) {
        Counters c = counters(appId);
        synchronized (c) {
            c.rollPeriod(UsagePeriod.containing(clock.instant()));
            c.messages++;
            return CompletableFuture.completedFuture(max <= 0 || c.messages <= max);
        }
    }

    @Override
    public CompletionStage<Usage> usage(String appId) {
        Counters c = counters(appId);
        synchronized (c) {
            UsagePeriod p = UsagePeriod.containing(clock.instant());
            c.rollPeriod(p);
            return CompletableFuture.completedFuture(new Usage(p.startUnix(), p.endUnix(), c.concurrent, c.peak,
                    c.messages));
        }
    }

    @Override
    public CompletionStage<Long> connectionsOf(String appId, String peerId) {
        Counters c = counters(appId);
        synchronized (c) {
            return CompletableFuture.completedFuture(c.peers.getOrDefault(peerId, 0L));
        }
    }

    private Counters counters(String appId) {
        return apps.computeIfAbsent(appId, id -> new Counters());
    }

    private static final class Counters {
        final Map<String, Long> peers = new java.util.HashMap<>();
        long concurrent;
        long peak;
        long messages;
        UsagePeriod period;

        void rollPeriod(UsagePeriod now) {
            if (!now.equals(period)) {
                period = now;
                messages = 0;
                peak = concurrent;
            }
        }
    }
}
