package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakeException;
import java.io.IOException;
import java.net.SocketException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ClientErrorsTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(ClientErrors.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ClientErrors errors = new ClientErrors();
    private Level previous;

    @BeforeEach
    void capture() {
        previous = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
    }

    private List<ILoggingEvent> at(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).toList();
    }

    @Test
    void clientMistakesAreRecognisedAndOurBugsAreNot() {
        assertThat(ClientErrors.kindOf(new SocketException("Connection reset"))).isEqualTo(ClientErrors.Kind.RESET);
        assertThat(ClientErrors.kindOf(new PrematureChannelClosureException("x"))).isEqualTo(ClientErrors.Kind.MALFORMED_REQUEST);
        assertThat(ClientErrors.kindOf(new WebSocketServerHandshakeException("x"))).isEqualTo(ClientErrors.Kind.BAD_UPGRADE);
        assertThat(ClientErrors.kindOf(new CorruptedWebSocketFrameException())).isEqualTo(ClientErrors.Kind.PROTOCOL_VIOLATION);
        assertThat(ClientErrors.kindOf(new TooLongFrameException())).isEqualTo(ClientErrors.Kind.PROTOCOL_VIOLATION);
        assertThat(ClientErrors.kindOf(new DecoderException(new IOException()))).isEqualTo(ClientErrors.Kind.RESET);
        assertThat(ClientErrors.kindOf(new DecoderException("bad"))).isEqualTo(ClientErrors.Kind.MALFORMED_REQUEST);
        assertThat(ClientErrors.kindOf(new DecoderException(new io.netty.handler.ssl.NotSslRecordException("plain HTTP"))))
                .isEqualTo(ClientErrors.Kind.TLS);
        assertThat(ClientErrors.kindOf(new NullPointerException())).isNull();
        assertThat(ClientErrors.kindOf(new IllegalStateException())).isNull();
    }

    @Test
    void oneDebugLinePerConnectionWithoutStackTraceOrControlCharacters() {
        EmbeddedChannel ch = new EmbeddedChannel();
        errors.recordIfClientError(ch, new DecoderException("bad\r\nFAKE LOG LINE\u001b[31m"));
        errors.record(ch, ClientErrors.Kind.RESET, "again");
        errors.record(new EmbeddedChannel(), ClientErrors.Kind.BAD_UPGRADE, "x".repeat(1000));
        List<ILoggingEvent> debug = at(Level.DEBUG);
        assertThat(debug).hasSize(2);
        assertThat(debug).allSatisfy(e -> {
            assertThat(e.getThrowableProxy()).isNull();
            assertThat(e.getFormattedMessage()).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b");
            assertThat(e.getFormattedMessage().length()).isLessThan(300);
        });
    }

    @Test
    void credentialsEchoedByADecoderAreBlanked() {
        assertThat(ClientErrors.oneLine("invalid version format: ?token=eyJhbGciOi.x.y&key=pk_live_a HTTP/1.1"))
                .isEqualTo("invalid version format: ?token=…&key=… HTTP/1.1");
    }

    @Test
    void theSummaryCountsEveryMistakeInOneWarnLineAndThenStartsOver() {
        EmbeddedChannel ch = new EmbeddedChannel();
        for (int i = 0; i < 150; i++) {
            errors.record(ch, ClientErrors.Kind.MALFORMED_REQUEST, "x");
        }
        errors.record(null, ClientErrors.Kind.RESET, "y");
        assertThat(at(Level.WARN)).isEmpty();
        errors.flushSummary();
        assertThat(at(Level.WARN)).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).startsWith("151 client protocol errors in the last minute (150 malformed request, 1 reset");
            assertThat(e.getThrowableProxy()).isNull();
        });
        errors.flushSummary();
        assertThat(at(Level.WARN)).as("nothing new, nothing logged").hasSize(1);
    }
}
