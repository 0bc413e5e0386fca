package ca.metered.realtime.server.config;

/**
 * How the server writes its log (YAML {@code logging.format}, or {@code RMS_LOG_FORMAT}).
 */
public enum LogFormat {
    /** One human-readable line per event (the default). */
    TEXT,
    /**
     * One JSON object per line, written by Logback's {@code JsonEncoder}, with the connection id,
     * app, peer and remote address as key-value pairs where a line is about a connection.
     */
    JSON
}
