package ca.metered.realtime.server.webhook.redis;

import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.webhook.EventLog;
import ca.metered.realtime.server.webhook.WebhookEvent;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log of a cluster: one Redis Stream per app ({@code {prefix}{app}:wh:log}) holding
 * the entries not yet done with. Appends go through a script that keeps the stream within its
 * capacity; the presence scripts of the backplane append presence decisions the same way. The
 * reader reads with {@code XREAD} (blocking on a connection of its own) and removes done entries
 * with {@code XDEL}, so whatever a dead reader left is still there for the next lease holder,
 * from the start. Entry ids are the stream ids ({@code <ms>-<n>}): unique in the app, and the
 * event's time is Redis's clock when it was appended.
 *
 * <p>Thread-safe. Stages complete on Lettuce's threads; at most {@link #MAX_APPENDS_IN_FLIGHT}
 * appends wait for Redis at a time, so a slow Redis costs memory for that many events at most.
 */
public final class RedisEventLog implements EventLog {
    private static final Logger log = LoggerFactory.getLogger(RedisEventLog.class);
    static final int MAX_APPENDS_IN_FLIGHT = 10_000;

    private final RedisConnections connections;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisConnection<String, String> blocking;
    private final WebhookScripts scripts;
    private final String prefix;
    private final String nodeId;
    private final AtomicInteger appendsInFlight = new AtomicInteger();

    private RedisEventLog(RedisConnections connections, String prefix, String nodeId) {
        this.connections = connections;
        this.commands = connections.open();
        this.blocking = connections.open();
        this.scripts = new WebhookScripts(commands.async());
        this.prefix = prefix;
        this.nodeId = nodeId;
    }

    /**
     * Connects to the cluster's Redis.
     *
     * @throws ca.metered.realtime.server.cluster.BackplaneUnavailableException when unreachable
     */
    public static RedisEventLog connect(ClusterSettings settings, String nodeId) {
        RedisConnections c = RedisConnections.create(settings);
        try {
            return new RedisEventLog(c, settings.keyPrefix(), nodeId);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private String key(String appId) {
        return prefix + appId + ":wh:log";
    }

    @Override
    public CompletionStage<Void> configure(String appId, int capacity, boolean presence) {
        return scripts.<Long>run(WebhookScripts.Name.CONFIGURE, ScriptOutputType.INTEGER, prefix, appId,
                Integer.toString(capacity), presence ? "1" : "0").thenApply(ok -> null);
    }

    @Override
    public CompletionStage<Append> append(String appId, WebhookEvent event) {
        if (appendsInFlight.incrementAndGet() > MAX_APPENDS_IN_FLIGHT) {
            appendsInFlight.decrementAndGet();
            return CompletableFuture.completedFuture(Append.UNAVAILABLE);
        }
        List<String> args = new ArrayList<>(2 + 12);
        args.add(prefix);
        args.add(appId);
        args.addAll(EventFields.encode(event));
        CompletionStage<Long> sent;
        try {
            sent = scripts.run(WebhookScripts.Name.APPEND, ScriptOutputType.INTEGER, args.toArray(String[]::new));
        } catch (RuntimeException e) {
            appendsInFlight.decrementAndGet();
            return CompletableFuture.completedFuture(Append.UNAVAILABLE);
        }
        return sent.handle((logged, err) -> {
            appendsInFlight.decrementAndGet();
            if (err != null) {
                log.debug("webhook event of app {} not logged: {}", appId, err.toString());
                return Append.UNAVAILABLE;
            }
            return logged == 1 ? Append.LOGGED : Append.FULL;
        });
    }

    @Override
    public CompletionStage<Map<String, List<Logged>>> read(Map<String, String> after, int max, Duration wait) {
        if (after.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        Map<String, String> appOfKey = new LinkedHashMap<>();
        List<StreamOffset<String>> offsets = new ArrayList<>();
        after.forEach((appId, id) -> {
            appOfKey.put(key(appId), appId);
            offsets.add(StreamOffset.from(key(appId), id));
        });
        XReadArgs args = XReadArgs.Builder.count(max);
        // A blocking read holds its connection: it gets one of its own; a quick look does not wait.
        RedisAsyncCommands<String, String> via = commands.async();
        if (!wait.isZero()) {
            args.block(wait);
            via = blocking.async();
        }
        @SuppressWarnings("unchecked")
        StreamOffset<String>[] streams = offsets.toArray(StreamOffset[]::new);
        return via.xread(args, streams).thenApply(messages -> {
            Map<String, List<Logged>> out = new LinkedHashMap<>();
            List<StreamMessage<String, String>> unreadable = new ArrayList<>();
            for (StreamMessage<String, String> m : messages == null ? List.<StreamMessage<String, String>>of() : messages) {
                String appId = appOfKey.get(m.getStream());
                Optional<WebhookEvent> event = EventFields.decode(m.getBody());
                if (event.isEmpty()) {
                    unreadable.add(m);
                    continue;
                }
                out.computeIfAbsent(appId, a -> new ArrayList<>())
                        .add(new Logged(m.getId(), timeOf(m.getId()), event.get()));
            }
            for (StreamMessage<String, String> m : unreadable) {
                log.warn("webhooks: dropping unreadable entry {} of {}: {}", m.getId(), m.getStream(), m.getBody());
                done(appOfKey.get(m.getStream()), List.of(m.getId()));
            }
            return out;
        });
    }

    @Override
    public void done(String appId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            commands.async().xdel(key(appId), ids.toArray(String[]::new)).whenComplete((n, err) -> {
                if (err != null) {
                    // Not lost: the entries stay and are delivered once more (at least once).
                    log.debug("webhooks: could not remove {} done entries of app {}: {}", ids.size(), appId,
                            err.toString());
                }
            });
        } catch (RuntimeException e) {
            log.debug("webhooks: could not remove done entries of app {}: {}", appId, e.toString());
        }
    }

    @Override
    public CompletionStage<Boolean> lead(String appId, Duration ttl) {
        return scripts.<Long>run(WebhookScripts.Name.LEAD, ScriptOutputType.INTEGER, prefix, appId, nodeId,
                Long.toString(ttl.toMillis())).thenApply(held -> held == 1);
    }

    @Override
    public CompletionStage<Void> resign(String appId) {
        return scripts.<Long>run(WebhookScripts.Name.RESIGN, ScriptOutputType.INTEGER, prefix, appId, nodeId)
                .thenApply(ok -> null);
    }

    @Override
    public CompletionStage<Long> takeDropped(String appId) {
        return commands.async().getdel(prefix + appId + ":wh:dropped")
                .thenApply(n -> n == null ? 0L : Long.parseLong(n));
    }

    /** Entries not done in the app's log now (the cluster-wide backlog). */
    public CompletionStage<Long> length(String appId) {
        return commands.async().xlen(key(appId));
    }

    @Override
    public void close() {
        // Closed before the client: a closed connection's watchdog no longer tries to reconnect.
        blocking.close();
        commands.close();
        connections.close();
    }

    /** The milliseconds part of a stream id: when Redis appended the entry. */
    static long timeOf(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }
}
