package ca.metered.realtime.server.cluster.redis;

import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

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

    private final CommandPipe pipe;
    private final byte[][] sources = new byte[Name.values().length][];

    Scripts(CommandPipe pipe) {
        this.pipe = pipe;
        String prelude = load("prelude.lua");
        for (Name n : Name.values()) {
            String src = prelude + "\n" + load(n.name().toLowerCase(java.util.Locale.ROOT) + ".lua");
            sources[n.ordinal()] = src.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs a script with {@code EVAL} through the node's {@link CommandPipe}, in call order.
     *
     * <p>Order matters (a join after a leave, a count before a re-assert): callers fix it under
     * their own locks, and the pipe writes in submission order, the node's publishes included.
     * Not {@code EVALSHA}: its {@code NOSCRIPT} fallback would need a second round trip that
     * later commands overtake.
     */
    <T> CompletionStage<T> run(Name name, ScriptOutputType type, String... args) {
        return pipe.eval(sources[name.ordinal()], type, args);
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
