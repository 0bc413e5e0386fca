package ca.metered.realtime.server.cluster.redis;

import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.time.Cancellable;
import ca.metered.realtime.server.time.Scheduler;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
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
 * <p>Thread-safe; the beats run on the node's {@link Scheduler}.
 */
final class NodeLiveness {
    private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);

    private final Scripts scripts;
    private final RedisKeys keys;
    private final String nodeId;
    private final RedisPresenceStore presence;
    private final RedisUsageStore usage;
    private final Scheduler scheduler;
    private final Duration interval;
    private final Duration timeout;
    /** After the pub/sub connection is back, wait for the other nodes to re-subscribe too. */
    private final Duration reassertDelay;
    private final AtomicBoolean reassertPending = new AtomicBoolean();
    private volatile boolean started;
    private volatile Cancellable beats;

    NodeLiveness(Scripts scripts, RedisKeys keys, String nodeId, RedisPresenceStore presence, RedisUsageStore usage,
                 Scheduler scheduler, ClusterSettings settings) {
        this.scripts = scripts;
        this.keys = keys;
        this.nodeId = nodeId;
        this.presence = presence;
        this.usage = usage;
        this.scheduler = scheduler;
        this.interval = settings.heartbeatInterval();
        this.timeout = settings.nodeTimeout();
        this.reassertDelay = settings.reassertDelay();
    }

    void start() {
        started = true;
        beat();
        beats = scheduler.every(interval, this::beat);
    }

    void stop() {
        started = false;
        Cancellable b = beats;
        if (b != null) {
            b.cancel();
        }
    }

    /** The pub/sub connection is (re)connected. */
    void reconnected() {
        if (started && reassertPending.compareAndSet(false, true)) {
            scheduler.schedule(reassertDelay, () -> {
                reassertPending.set(false);
                if (started) {
                    reassert();
                }
            });
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
