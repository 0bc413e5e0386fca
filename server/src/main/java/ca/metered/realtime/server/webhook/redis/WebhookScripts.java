package ca.metered.realtime.server.webhook.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * The webhook Lua scripts ({@code rms/redis/webhook/*.lua}, each prefixed with the backplane's
 * {@code rms/redis/prelude.lua}, which holds {@code wh_append}, and the webhooks' own
 * {@code prelude.lua}): every decision that must be made once for the cluster (append within
 * the cap, a channel's first and last node, the lease) is one atomic script.
 *
 * <p>Commands are issued from the callers' threads, which are never this client's event loop
 * (its own completions hop elsewhere first), so Lettuce writes them in call order; callers
 * that need an order between two calls make them in that order. {@code EVAL}, not
 * {@code EVALSHA}: see {@code cluster.redis.Scripts}.
 *
 * <p>Thread-safe.
 */
final class WebhookScripts {
    enum Name {
        APPEND, CONFIGURE, LEAD, RESIGN, OCC_ADD, OCC_REMOVE, CONN_OPEN, CONN_CLOSE, BEAT, REAP, REASSERT
    }

    private final RedisAsyncCommands<String, String> redis;
    private final String[] sources = new String[Name.values().length];

    WebhookScripts(RedisAsyncCommands<String, String> redis) {
        this.redis = redis;
        String prelude = load("/rms/redis/prelude.lua") + "\n" + load("/rms/redis/webhook/prelude.lua");
        for (Name n : Name.values()) {
            sources[n.ordinal()] = prelude + "\n" + load("/rms/redis/webhook/" + n.name().toLowerCase(Locale.ROOT) + ".lua");
        }
    }

    <T> CompletionStage<T> run(Name name, ScriptOutputType type, String... args) {
        return redis.eval(sources[name.ordinal()], type, new String[0], args);
    }

    private static String load(String resource) {
        try (InputStream in = WebhookScripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
