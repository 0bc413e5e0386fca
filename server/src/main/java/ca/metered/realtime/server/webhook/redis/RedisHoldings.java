package ca.metered.realtime.server.webhook.redis;

import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.time.Cancellable;
import ca.metered.realtime.server.time.Scheduler;
import ca.metered.realtime.server.webhook.AppChannel;
import ca.metered.realtime.server.webhook.NodeHoldings;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the nodes of a cluster hold, in Redis: each channel's set of nodes with subscribers on it
 * ({@code {prefix}{app}:wh:occ:{channel}}), each node's set of channels, and each node's tracked
 * connections ({@code {prefix}wh:node:{id}:conns}). A script adds or removes a node and, when a
 * channel's set goes from empty or to empty, appends the event to the app's log in the same step,
 * so exactly one node's call decides it; a connection's record and its peer event are one step
 * too.
 *
 * <p>Every {@code cluster.heartbeatInterval} the node beats ({@code {prefix}wh:nodes}) and reaps
 * nodes silent for longer than {@code cluster.nodeTimeout}: the channels only they were on are
 * vacated, their connections end with {@code peer.disconnected} (1006, {@code node lost}). When
 * the cluster lost this node (Redis restarted empty, or it was reaped while cut off) or a call of
 * its own failed, the next beat re-asserts its channels and connections as they are.
 *
 * <p>Thread-safe. Calls are sent in the order made (see {@link WebhookScripts}).
 */
public final class RedisHoldings implements NodeHoldings {
    private static final Logger log = LoggerFactory.getLogger(RedisHoldings.class);

    private final RedisConnections redis;
    private final StatefulRedisConnection<String, String> commands;
    private final WebhookScripts scripts;
    private final String prefix;
    private final String nodeId;
    private final ClusterSettings settings;
    private final Scheduler scheduler;
    private volatile Supplier<Collection<AppChannel>> channels = List::of;
    private volatile Supplier<Collection<HeldConnection>> tracked = List::of;
    /** A call failed: Redis may not reflect this node; the next beat re-asserts. */
    private volatile boolean dirty;
    private volatile Cancellable beat;

    private RedisHoldings(RedisConnections connections, ClusterSettings settings, String nodeId, Scheduler scheduler) {
        this.redis = connections;
        this.commands = connections.open();
        this.scripts = new WebhookScripts(commands.async());
        this.prefix = settings.keyPrefix();
        this.nodeId = nodeId;
        this.settings = settings;
        this.scheduler = scheduler;
    }

    /**
     * Connects to the cluster's Redis.
     *
     * @throws ca.metered.realtime.server.cluster.BackplaneUnavailableException when unreachable
     */
    public static RedisHoldings connect(ClusterSettings settings, String nodeId, Scheduler scheduler) {
        RedisConnections c = RedisConnections.create(settings);
        try {
            return new RedisHoldings(c, settings, nodeId, scheduler);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public void nodeOccupied(String appId, String channel) {
        send(WebhookScripts.Name.OCC_ADD, appId, channel);
    }

    @Override
    public void nodeVacated(String appId, String channel) {
        send(WebhookScripts.Name.OCC_REMOVE, appId, channel);
    }

    @Override
    public void connectionOpened(String appId, PeerConnected e, boolean announce, boolean track) {
        send(WebhookScripts.Name.CONN_OPEN, appId, e.connectionId(), e.peerId(),
                e.metadata() == null ? "" : e.metadata().json(), announce ? "1" : "0", track ? "1" : "0");
    }

    @Override
    public void connectionClosed(String appId, PeerDisconnected e) {
        send(WebhookScripts.Name.CONN_CLOSE, e.connectionId(), Integer.toString(e.code()), e.reason());
    }

    /** Runs a script with (prefix, nodeId, args…); a failure makes the next beat re-assert. */
    private void send(WebhookScripts.Name script, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = prefix;
        all[1] = nodeId;
        System.arraycopy(args, 0, all, 2, args.length);
        try {
            scripts.run(script, ScriptOutputType.INTEGER, all).whenComplete((ok, err) -> {
                if (err != null) {
                    failed(err);
                }
            });
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(Throwable err) {
        if (!dirty) {
            log.warn("webhooks: channel occupancy not recorded in Redis ({}); re-asserted at the next beat",
                    err.toString());
        }
        dirty = true;
    }

    @Override
    public void start(Supplier<Collection<AppChannel>> channels, Supplier<Collection<HeldConnection>> connections) {
        this.channels = channels;
        this.tracked = connections;
        beat(true);
        beat = scheduler.every(settings.heartbeatInterval(), () -> beat(false));
    }

    /**
     * Proves this node alive, re-asserts it when needed, and reaps the nodes that are not. A new
     * node is unknown at its first beat: nothing was lost, its own calls say what it has.
     */
    private void beat(boolean first) {
        try {
            CompletionStage<Long> known = scripts.run(WebhookScripts.Name.BEAT, ScriptOutputType.INTEGER, prefix,
                    nodeId);
            known.whenComplete((isNew, err) -> {
                if (err != null) {
                    failed(err);
                } else if ((isNew == 1 && !first) || dirty) {
                    reassert();
                }
            });
            scripts.run(WebhookScripts.Name.REAP, ScriptOutputType.MULTI, prefix,
                    Long.toString(settings.nodeTimeout().toMillis())).whenComplete((reaped, err) -> {
                        if (err == null && reaped instanceof List<?> l && !l.isEmpty()) {
                            log.info("webhooks: released what silent node(s) {} held", l);
                        }
                    });
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /**
     * Runs on this client's event loop, so its command is written ahead of any queued by other
     * threads: those are later transitions, and each is idempotent on the sets, so Redis ends
     * as this node is.
     */
    private void reassert() {
        dirty = false;
        Collection<AppChannel> held = channels.get();
        List<String> args = new ArrayList<>();
        args.add(prefix);
        args.add(nodeId);
        args.add(Integer.toString(held.size()));
        for (AppChannel c : held) {
            args.add(c.appId());
            args.add(c.channel());
        }
        for (HeldConnection c : tracked.get()) {
            args.add(c.connectionId());
            args.add(c.appId());
            args.add(c.peerId());
        }
        scripts.run(WebhookScripts.Name.REASSERT, ScriptOutputType.INTEGER, args.toArray(String[]::new))
                .whenComplete((ok, err) -> {
                    if (err != null) {
                        failed(err);
                    } else {
                        log.info("webhooks: re-asserted this node's {} channel(s) and its connections in Redis",
                                held.size());
                    }
                });
    }

    /** Releases what this node still holds at once (the others would reap it after the node timeout). */
    @Override
    public void close() {
        Cancellable b = beat;
        if (b != null) {
            b.cancel();
        }
        try {
            scripts.run(WebhookScripts.Name.REAP, ScriptOutputType.MULTI, prefix, "0", nodeId)
                    .toCompletableFuture().get(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("webhooks: could not take this node off its channels on shutdown; the others will: {}",
                    e.toString());
        }
        commands.close();
        redis.close();
    }
}
