package ca.metered.realtime.cli;

import ca.metered.realtime.server.config.LogFormat;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Switches the server's log between text lines and JSON lines ({@code logging.format},
 * {@code RMS_LOG_FORMAT}) by replacing the console appender's encoder: Logback's own
 * {@link JsonEncoder} for JSON (one object per line: timestamp, level, thread, logger, the
 * formatted message, key-value pairs such as {@code connection}, {@code app}, {@code peer},
 * {@code remote}, and the throwable), the pattern of {@code logback.xml} for text.
 *
 * <p>Not thread-safe; called at start and on a reload that changes the format.
 */
final class LogFormatting {
    /** The text pattern; logback.xml starts with the same one. */
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%replace( %kvp){'^ $', ''}%n";
    private static final String APPENDER = "STDERR";

    private LogFormatting() {
    }

    static void apply(LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return; // another SLF4J backend (embedding): its own configuration rules
        }
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(format == LogFormat.JSON ? json(ctx) : text(ctx));
        appender.start();
        var old = root.getAppender(APPENDER);
        root.detachAppender(APPENDER);
        root.addAppender(appender);
        if (old != null) {
            old.stop();
        }
    }

    private static Encoder<ILoggingEvent> json(LoggerContext ctx) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(ctx);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext ctx) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
