package ca.metered.realtime.server.cluster.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Lua scripts that make each presence and counter decision atomic in Redis (sources in
 * {@code rms/redis/}, each prefixed with {@code prelude.lua}).
 *
 * <p>Thread-safe.
 */
final class Scripts {
    enum Name {
        JOIN, LEAVE, SNAPSHOT, OPEN_CONN, CLOSE_CONN, HEARTBEAT, REASSERT, REMOVE_NODES
    }

    private final RedisAsyncCommands<String, String> redis;
    private final String[] sources = new String[Name.values().length];
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rms-redis-scripts");
        t.setDaemon(true);
        return t;
    });

    Scripts(RedisAsyncCommands<String, String> redis) {
        this.redis = redis;
        String prelude = load("prelude.lua");
        for (Name n : Name.values()) {
            String src = prelude + "\n" + load(n.name().toLowerCase(java.util.Locale.ROOT) + ".lua");
            sources[n.ordinal()] = src;
        }
    }

    /**
     * Runs a script with {@code EVAL}, dispatched from this class's one thread in call order.
     *
     * <p>Order matters (a join after a leave, a count before a re-assert), and Lettuce keeps the
     * order of commands issued from outside its event loop, but a command issued <em>on</em> the
     * event loop (from a completion callback) is written at once, ahead of commands other
     * threads queued before it. Dispatching every script from one non-event-loop thread keeps
     * the call order, which callers fix under their own locks. Not {@code EVALSHA}: its
     * {@code NOSCRIPT} fallback would need a second round trip that later commands overtake.
     * Scripts run on joins, leaves and connects only; messages are plain {@code PUBLISH}es.
     */
    <T> CompletionStage<T> run(Name name, ScriptOutputType type, String... args) {
        CompletableFuture<T> out = new CompletableFuture<>();
        try {
            dispatcher.execute(() -> redis.<T>eval(sources[name.ordinal()], type, new String[0], args)
                    .whenComplete((v, err) -> {
                        if (err != null) {
                            out.completeExceptionally(err);
                        } else {
                            out.complete(v);
                        }
                    }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            out.completeExceptionally(new IllegalStateException("backplane closed", e));
        }
        return out;
    }

    void close() {
        dispatcher.shutdown();
    }

    private static String load(String file) {
        try (InputStream in = Scripts.class.getResourceAsStream("/rms/redis/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
