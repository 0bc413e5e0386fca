package ca.metered.realtime.server.config;

/**
 * The configuration could not be loaded: the one-line message names the file, field path or
 * environment variable at fault, and is meant to be printed to the operator as is.
 *
 * <p>Immutable; thread-safe.
 */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
