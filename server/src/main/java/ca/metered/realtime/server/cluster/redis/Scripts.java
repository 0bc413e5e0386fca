package ca.metered.realtime.server.cluster.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts that make each presence and counter decision atomic in Redis (sources in
 * {@code rms/redis/}, each prefixed with {@code prelude.lua}).
 *
 * <p>Immutable; thread-safe.
 */
final class Scripts {
    enum Name {
        JOIN, LEAVE, SNAPSHOT, OPEN_CONN, CLOSE_CONN, HEARTBEAT, REASSERT, REMOVE_NODES
    }

    private final RedisAsyncCommands<String, String> redis;
    private final String[] sources = new String[Name.values().length];

    Scripts(RedisAsyncCommands<String, String> redis) {
        this.redis = redis;
        String prelude = load("prelude.lua");
        for (Name n : Name.values()) {
            String src = prelude + "\n" + load(n.name().toLowerCase(java.util.Locale.ROOT) + ".lua");
            sources[n.ordinal()] = src;
        }
    }

    /**
     * Runs a script with {@code EVAL}. Not {@code EVALSHA} with a fallback: the fallback's
     * second round trip would let later commands of this node overtake the script (a join
     * after a leave, a count before a re-assert), and per-node command order is what keeps
     * the counts right. Scripts run on joins, leaves and connects only; messages are plain
     * {@code PUBLISH}es, so the extra bytes do not matter (Redis caches the compiled script).
     */
    <T> CompletionStage<T> run(Name name, ScriptOutputType type, String... args) {
        return redis.<T>eval(sources[name.ordinal()], type, new String[0], args);
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
