package ca.metered.realtime.server.connection;

import org.slf4j.spi.LoggingEventBuilder;
import org.slf4j.spi.NOPLoggingEventBuilder;

/**
 * Puts a connection's identity on a log line as key-value pairs — {@code connection} (its id),
 * {@code app}, {@code peer}, {@code remote} — so JSON logs ({@code logging.format: json}) carry
 * them as fields and text logs append them.
 *
 * <p>Stateless; thread-safe.
 */
public final class ConnectionLog {
    private ConnectionLog() {
    }

    /** {@code line} with the connection's keys added, e.g. {@code ConnectionLog.of(log.atWarn(), c).log("…")}. */
    public static LoggingEventBuilder of(LoggingEventBuilder line, Connection c) {
        if (line instanceof NOPLoggingEventBuilder) {
            return line; // the level is off: no need to format the address (every open and close asks)
        }
        return line.addKeyValue("connection", c.connectionId())
                .addKeyValue("app", c.appId())
                .addKeyValue("peer", c.peerId())
                .addKeyValue("remote", c.remoteAddress());
    }
}
