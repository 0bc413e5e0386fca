package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The listening socket's accept failures (EMFILE) on an {@link EmbeddedChannel} with frozen time. */
class AcceptErrorsTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(AcceptErrors.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final AtomicLong now = new AtomicLong();
    private final EmbeddedChannel listener = new EmbeddedChannel(new AcceptErrors(now::get, () -> false));

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
        listener.freezeTime();
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    private void fail() {
        listener.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
    }

    @Test
    void acceptingPausesBrieflyThenResumes() {
        fail();
        assertThat(listener.config().isAutoRead()).isFalse();
        listener.advanceTimeBy(AcceptErrors.PAUSE_MILLIS - 1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isFalse();
        listener.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isTrue();
    }

    @Test
    void failuresAreOneWarnLineAMinuteWithACountAndNoStackTrace() {
        for (int i = 0; i < 500; i++) {
            fail();
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        }
        // 50 s: only the first was logged
        assertThat(appender.list).hasSize(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        fail();
        assertThat(appender.list).hasSize(2);
        assertThat(appender.list.get(1).getFormattedMessage()).contains("Too many open files").contains("499 more times");
        assertThat(appender.list).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getThrowableProxy()).isNull();
        });
    }
}
