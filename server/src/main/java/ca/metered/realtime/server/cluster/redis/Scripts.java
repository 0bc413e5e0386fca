package ca.metered.realtime.server.cluster.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts that make each presence and counter decision atomic in Redis (sources in
 * {@code rms/redis/}, each prefixed with {@code prelude.lua}). Runs them with {@code EVALSHA},
 * falling back to {@code EVAL} when Redis has lost its script cache (after a restart).
 *
 * <p>Immutable; thread-safe.
 */
final class Scripts {
    enum Name {
        JOIN, LEAVE, SNAPSHOT, OPEN_CONN, CLOSE_CONN, HEARTBEAT, REASSERT, REMOVE_NODES
    }

    private final RedisAsyncCommands<String, String> redis;
    private final String[] sources = new String[Name.values().length];
    private final String[] shas = new String[Name.values().length];

    Scripts(RedisAsyncCommands<String, String> redis) {
        this.redis = redis;
        String prelude = load("prelude.lua");
        for (Name n : Name.values()) {
            String src = prelude + "\n" + load(n.name().toLowerCase(java.util.Locale.ROOT) + ".lua");
            sources[n.ordinal()] = src;
            shas[n.ordinal()] = sha1(src);
        }
    }

    <T> CompletionStage<T> run(Name name, ScriptOutputType type, String... args) {
        String[] noKeys = new String[0];
        CompletableFuture<T> first = redis.<T>evalsha(shas[name.ordinal()], type, noKeys, args).toCompletableFuture();
        return first.handle((v, err) -> {
            Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                    ? err.getCause() : err;
            if (cause instanceof RedisNoScriptException) {
                return redis.<T>eval(sources[name.ordinal()], type, noKeys, args).toCompletableFuture();
            }
            return err == null ? CompletableFuture.completedFuture(v) : CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(f -> f);
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

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
