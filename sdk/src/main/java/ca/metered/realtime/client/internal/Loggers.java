package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.Logger;
import java.util.Map;
import java.util.Objects;

/** The built-in {@link Logger}s. Stateless; thread-safe. */
public final class Loggers {
    public static final Logger NOOP = new Logger() {
        @Override
        public void debug(String message, Map<String, Object> context) {
        }

        @Override
        public void info(String message, Map<String, Object> context) {
        }

        @Override
        public void warn(String message, Map<String, Object> context) {
        }

        @Override
        public void error(String message, Map<String, Object> context) {
        }

        @Override
        public String toString() {
            return "Logger.noop()";
        }
    };

    public static final Logger CONSOLE = new Levelled() {
        @Override
        void log(System.Logger.Level level, String message, Map<String, Object> context) {
            System.err.println("[rms-sdk] " + level + " " + message + (context.isEmpty() ? "" : " " + context));
        }
    };

    private Loggers() {
    }

    public static Logger system(System.Logger target) {
        Objects.requireNonNull(target, "logger");
        return new Levelled() {
            @Override
            void log(System.Logger.Level level, String message, Map<String, Object> context) {
                if (target.isLoggable(level)) {
                    target.log(level, context.isEmpty() ? message : message + " " + context);
                }
            }
        };
    }

    /**
     * Logs at {@code level} ({@code "debug"}, {@code "info"}, {@code "warn"}, anything else: error);
     * whatever the logger throws is swallowed.
     */
    public static void log(Logger logger, String level, String message, Map<String, Object> context) {
        safe(() -> {
            switch (level) {
                case "debug" -> logger.debug(message, context);
                case "info" -> logger.info(message, context);
                case "warn" -> logger.warn(message, context);
                default -> logger.error(message, context);
            }
        });
    }

    /** Calls {@code logger} and swallows anything it throws: logging must never break the client. */
    public static void safe(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException ignored) {
            // A broken logger has nowhere to report to.
        }
    }

    private abstract static class Levelled implements Logger {
        abstract void log(System.Logger.Level level, String message, Map<String, Object> context);

        @Override
        public void debug(String message, Map<String, Object> context) {
            log(System.Logger.Level.DEBUG, message, context);
        }

        @Override
        public void info(String message, Map<String, Object> context) {
            log(System.Logger.Level.INFO, message, context);
        }

        @Override
        public void warn(String message, Map<String, Object> context) {
            log(System.Logger.Level.WARNING, message, context);
        }

        @Override
        public void error(String message, Map<String, Object> context) {
            log(System.Logger.Level.ERROR, message, context);
        }
    }
}
