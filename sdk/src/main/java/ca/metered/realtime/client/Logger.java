package ca.metered.realtime.client;

import ca.metered.realtime.client.internal.Loggers;
import java.util.Map;

/**
 * Where the SDK writes its diagnostics; the JS SDK's {@code logger} option. The SDK applies no
 * level threshold: filtering is the logger's job. {@code context} holds small structured values
 * (never credentials) and may be empty.
 *
 * <p>Implementations must be thread-safe and must not throw; they are called on the client's
 * internal thread, so they should not block for long.
 */
public interface Logger {
    void debug(String message, Map<String, Object> context);

    void info(String message, Map<String, Object> context);

    void warn(String message, Map<String, Object> context);

    void error(String message, Map<String, Object> context);

    /** Drops everything (the default). */
    static Logger noop() {
        return Loggers.NOOP;
    }

    /** Writes {@code [rms-sdk] LEVEL message {context}} to {@code System.err}; for debugging. */
    static Logger console() {
        return Loggers.CONSOLE;
    }

    /** Routes to {@link System#getLogger(String)} {@code name}, i.e. to the application's logging backend. */
    static Logger system(String name) {
        return Loggers.system(System.getLogger(name));
    }

    /** Routes to {@link System.Logger} at the matching levels. */
    static Logger system(System.Logger logger) {
        return Loggers.system(logger);
    }
}
