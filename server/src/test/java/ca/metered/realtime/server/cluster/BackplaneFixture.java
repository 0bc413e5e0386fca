package ca.metered.realtime.server.cluster;

import ca.metered.realtime.server.cluster.redis.RedisBackplane;
import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.it.RedisServer;
import ca.metered.realtime.server.time.ManualScheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the nodes of one cluster for the seam contract tests: in memory, or on a real
 * {@code redis-server} (one per test class, a fresh key prefix per cluster).
 */
abstract class BackplaneFixture implements AutoCloseable {
    static final String APP = "app";
    final List<Backplane> nodes = new ArrayList<>();

    /** A node joined to this cluster, started with {@code inbound}. */
    Backplane node(String nodeId, RecordingInbound inbound) {
        Backplane b = create(nodeId);
        b.start(inbound);
        nodes.add(b);
        return b;
    }

    abstract Backplane create(String nodeId);

    @Override
    public void close() {
        nodes.forEach(Backplane::close);
    }

    static BackplaneFixture inMemory(Clock clock) {
        InMemoryCluster cluster = new InMemoryCluster(clock);
        return new BackplaneFixture() {
            @Override
            Backplane create(String nodeId) {
                return cluster.join(nodeId);
            }
        };
    }

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /**
     * One {@code redis-server} for a contract test class, started by its first test and stopped by
     * the class's {@code @AfterAll}. Thread-safe.
     */
    static final class SharedRedis implements AutoCloseable {
        private RedisServer redis;

        synchronized RedisServer get() {
            if (redis == null) {
                redis = RedisServer.start();
            }
            return redis;
        }

        @Override
        public synchronized void close() {
            if (redis != null) {
                redis.close();
                redis = null;
            }
        }
    }

    static BackplaneFixture redis(RedisServer redis, Clock clock) {
        ClusterSettings settings = ClusterSettings.of(redis.uri()).withKeyPrefix("c" + PREFIXES.incrementAndGet() + ":");
        return new BackplaneFixture() {
            @Override
            Backplane create(String nodeId) {
                return RedisBackplane.connect(settings, nodeId, new ManualScheduler(clock),
                        ca.metered.realtime.server.transport.EventLoops::current);
            }
        };
    }
}
