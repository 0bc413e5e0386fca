package ca.metered.realtime.server.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the configuration file a node was started with ({@code kill -HUP}, or the admin's
 * reload action): loads and validates it exactly as at start (same one-line errors), and only
 * if it is valid makes it the running configuration and tells the listeners what changed. A
 * file that does not load changes nothing.
 *
 * <p>Thread-safe: reloads are serialised; {@link #current()} may be read from any thread at any
 * time (it is what the node's live configuration reads). Listeners run on the reloading thread, after the
 * new configuration is visible, in registration order.
 */
public final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    /** Loads and validates the file; throws with the same one-line message as at start. */
    @FunctionalInterface
    public interface Source {
        ServerConfig load() throws ConfigException;
    }

    /** Hears applied reloads. Must not throw; a listener that does is logged and the others still run. */
    @FunctionalInterface
    public interface Listener {
        void applied(ServerConfig previous, ServerConfig current, ConfigChange change);
    }

    /**
     * What a reload came to.
     *
     * @param applied whether the new file is now the running configuration
     * @param error the one-line reason it was refused; empty when applied
     * @param change what changed; empty when refused
     */
    public record Result(boolean applied, Optional<String> error, Optional<ConfigChange> change) {
        static Result refused(String error) {
            return new Result(false, Optional.of(error), Optional.empty());
        }

        static Result applied(ConfigChange change) {
            return new Result(true, Optional.empty(), Optional.of(change));
        }

        /** One line: {@code applied: …summary…} or {@code refused: …error…}. */
        public String describe() {
            return applied ? "applied: " + change.orElseThrow().summary() : "refused: " + error.orElseThrow();
        }
    }

    private final Optional<Source> source;
    private final UnaryOperator<ServerConfig> overrides;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Result>> outcomes = new CopyOnWriteArrayList<>();
    /** The file as loaded at start: what the settings bound at start were taken from. */
    private final ServerConfig startFile;
    private volatile ServerConfig current;

    /**
     * @param initialFile the configuration as loaded from the file at start
     * @param source loads the file again; empty when the node runs without a file (it then
     *     refuses every reload)
     * @param overrides what the command line changes on top of the file (e.g. {@code --port}),
     *     applied to every reloaded file too
     */
    public ConfigReloader(ServerConfig initialFile, Optional<Source> source, UnaryOperator<ServerConfig> overrides) {
        this.startFile = Objects.requireNonNull(initialFile, "initialFile");
        this.source = Objects.requireNonNull(source, "source");
        this.overrides = Objects.requireNonNull(overrides, "overrides");
        this.current = overrides.apply(initialFile);
    }

    /** A configuration that is never reloaded (embedded servers, tests). */
    public static ConfigReloader fixed(ServerConfig config) {
        return new ConfigReloader(config, Optional.empty(), UnaryOperator.identity());
    }

    /** The running configuration. */
    public ServerConfig current() {
        return current;
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Hears every reload's result, applied or refused (metrics). */
    public void onResult(java.util.function.Consumer<Result> listener) {
        outcomes.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Whether there is a file to reload. */
    public boolean canReload() {
        return source.isPresent();
    }

    /** Loads the file again and, if it is valid, applies it. Blocking (file I/O): not on an event loop. */
    public synchronized Result reload() {
        Result r = load();
        outcomes.forEach(l -> l.accept(r));
        return r;
    }

    private Result load() {
        if (source.isEmpty()) {
            return Result.refused("this server was started without --config; there is no file to reload");
        }
        ServerConfig file;
        try {
            file = source.get().load();
        } catch (ConfigException e) {
            log.error("config reload refused, the running configuration stays: {}", e.getMessage());
            return Result.refused(e.getMessage());
        } catch (RuntimeException e) {
            log.error("config reload refused, the running configuration stays: {}", e.toString(), e);
            return Result.refused("cannot load the configuration: " + e);
        }
        ServerConfig previous = current;
        ServerConfig next = ConfigChange.effective(previous, overrides.apply(file));
        ConfigChange change = ConfigChange.between(previous, startFile, file);
        current = next;
        for (String setting : change.restartRequired()) {
            log.warn("config reload: {} in the file differs from the running value; it takes effect at the next"
                    + " restart", setting);
        }
        log.info("config reloaded: {}", change.summary());
        for (Listener l : listeners) {
            try {
                l.applied(previous, next, change);
            } catch (RuntimeException e) {
                log.error("config reload listener failed", e);
            }
        }
        return Result.applied(change);
    }
}
