package ca.metered.realtime.server.cluster.redis;

import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cluster free of ghosts: this node's heartbeat ({@code ZADD nodes}), the reaper that
 * every node runs to remove nodes silent for longer than the timeout ({@code remove_nodes.lua}:
 * their peers leave with {@code left} deltas, their connections are un-counted), and the
 * re-assertion of this node's presence and connection counts after Redis lost or dropped them
 * (restart, or this node was reaped while partitioned).
 *
 * <p>Thread-safe; work runs on one scheduler thread.
 */
final class NodeLiveness {
    private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);
    /** After the pub/sub connection is back, wait for the other nodes to re-subscribe too. */
    private static final long REASSERT_DELAY_MS = 500;

    private final Scripts scripts;
    private final RedisKeys keys;
    private final String nodeId;
    private final RedisPresenceStore presence;
    private final RedisUsageStore usage;
    private final Duration interval;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean reassertPending = new AtomicBoolean();
    private volatile boolean started;

    NodeLiveness(Scripts scripts, RedisKeys keys, String nodeId, RedisPresenceStore presence, RedisUsageStore usage,
                 Duration interval, Duration timeout) {
        this.scripts = scripts;
        this.keys = keys;
        this.nodeId = nodeId;
        this.presence = presence;
        this.usage = usage;
        this.interval = interval;
        this.timeout = timeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rms-redis-liveness");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        started = true;
        timer.scheduleAtFixedRate(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        started = false;
        timer.shutdownNow();
    }

    /** The pub/sub connection is (re)connected. */
    void reconnected() {
        if (started && reassertPending.compareAndSet(false, true)) {
            try {
                timer.schedule(() -> {
                    reassertPending.set(false);
                    reassert();
                }, REASSERT_DELAY_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
            }
        }
    }

    private void beat() {
        scripts.<Long>run(Scripts.Name.HEARTBEAT, ScriptOutputType.INTEGER, keys.prefix(), nodeId)
                .whenComplete((added, err) -> {
                    if (err != null) {
                        log.debug("heartbeat failed: {}", err.toString());
                    } else if (added == 1) {
                        reassert(); // first beat, or the others declared us dead
                    }
                });
        scripts.<List<Object>>run(Scripts.Name.REMOVE_NODES, ScriptOutputType.MULTI, keys.prefix(),
                        Long.toString(timeout.toMillis()))
                .whenComplete((dead, err) -> {
                    if (err == null && !dead.isEmpty()) {
                        log.warn("removed dead nodes {} (silent for more than {})", dead, timeout);
                    }
                });
    }

    /** Makes Redis hold exactly this node's live presence and connection counts. */
    void reassert() {
        synchronized (presence.lock()) {
            synchronized (usage.lock()) {
                List<String> args = new ArrayList<>();
                args.add(keys.prefix());
                args.add(nodeId);
                args.addAll(presence.reassertArgs());
                args.addAll(usage.reassertArgs());
                scripts.<Long>run(Scripts.Name.REASSERT, ScriptOutputType.INTEGER, args.toArray(String[]::new))
                        .whenComplete((ok, err) -> {
                            if (err != null) {
                                log.warn("could not re-assert this node's state: {}", err.toString());
                            } else {
                                log.info("re-asserted this node's presence and connections in Redis");
                            }
                        });
            }
        }
    }

    CompletionStage<List<Object>> removeSelf() {
        return scripts.run(Scripts.Name.REMOVE_NODES, ScriptOutputType.MULTI, keys.prefix(), "0", nodeId);
    }
}
