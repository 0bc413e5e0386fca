package ca.metered.realtime.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A backplane outage fails every publish; the log gets one WARN line per 10 s with a count. */
class BackendErrorLogTest {
    @Test
    void aStormOfFailuresIsOneWarnLinePerPeriodWithTheCountNotLoggedAndNoStackTrace() {
        Logger logger = (Logger) LoggerFactory.getLogger("test.backend-errors");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        AtomicLong now = new AtomicLong(5);
        BackendErrorLog errors = new BackendErrorLog(logger, now::get);
        IOException down = new IOException("Connection refused");

        for (int i = 0; i < 1000; i++) {
            errors.failed("p" + i, down);
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(9)); // 9 s in all
        }
        assertThat(appender.list).hasSize(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        errors.failed("late", down);
        assertThat(appender.list).hasSize(2);
        ILoggingEvent second = appender.list.get(1);
        assertThat(second.getLevel()).isEqualTo(Level.WARN);
        assertThat(second.getFormattedMessage()).contains("peer late").contains("Connection refused")
                .contains("999 more failures in the last 10 s not logged");
        assertThat(appender.list).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
    }
}
