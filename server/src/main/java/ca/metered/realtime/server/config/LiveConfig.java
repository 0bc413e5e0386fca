package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The configuration as it is <em>now</em>. Services hold this instead of values copied at
 * construction and read what they need at the moment they use it (an app's limits when a
 * message is counted, the ping interval at each sweep), so a future reload only has to change
 * what the source returns.
 *
 * <p>Thread-safe when the source is (a fixed configuration trivially is).
 */
public final class LiveConfig {
    private final Supplier<ServerConfig> source;

    public LiveConfig(Supplier<ServerConfig> source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** A configuration that never changes. */
    public static LiveConfig of(ServerConfig config) {
        Objects.requireNonNull(config, "config");
        return new LiveConfig(() -> config);
    }

    public ServerConfig get() {
        return source.get();
    }

    public ServerSettings server() {
        return get().server();
    }

    /** The history entry that covers a concrete channel of the app now, if any (docs/protocol.md 9). */
    public Optional<HistoryConfig> history(String appId, String channel) {
        return get().app(appId).flatMap(a -> a.historyOf(channel));
    }

    /** How long the app remembers a publish's idempotency key now (docs/protocol.md 9). */
    public Duration idempotencyWindow(String appId) {
        return get().app(appId).map(AppConfig::idempotencyWindow).orElse(HistoryBinder.DEFAULT_IDEMPOTENCY_WINDOW);
    }

    /** The app's limits now; the defaults for an app no longer configured. */
    public Limits limits(String appId) {
        return get().app(appId).map(AppConfig::limits).orElseGet(Limits::defaults);
    }
}
