package ca.metered.realtime.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Close frames from a client are validated (RFC 6455 5.5.1, 7.4): a code outside the ranges a
 * peer may send, or a one-byte payload, fails the connection with 1002; a reason that is not
 * UTF-8 with 1007; a valid close is echoed.
 */
class CloseFrameIT {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawWs welcomed() {
        RawWs raw = RawWs.open(server.port(), "/v1?key=" + TestServer.PK);
        assertThat(raw.readText()).contains("\"welcome\"");
        return raw;
    }

    private static byte[] closeBody(int code, byte[] reason) {
        return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array();
    }

    /** Sends {@code payload} as a close frame and returns the server's close code, after EOF. */
    private static int answerTo(byte[] payload) {
        try (RawWs raw = welcomed()) {
            raw.sendFrame(RawWs.CLOSE, payload);
            RawWs.Frame close = raw.awaitClose();
            assertThat(raw.awaitEof()).isTrue();
            return close.closeCode();
        }
    }

    @Test
    void codesAClientMayNotSendAreAnsweredWith1002() {
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            assertThat(answerTo(closeBody(code, new byte[0]))).as("close code %d", code).isEqualTo(1002);
        }
    }

    @Test
    void aOneBytePayloadIsAnsweredWith1002() {
        assertThat(answerTo(new byte[] {3})).isEqualTo(1002);
    }

    @Test
    void aReasonThatIsNotUtf8IsAnsweredWith1007() {
        assertThat(answerTo(closeBody(1000, new byte[] {'b', 'y', (byte) 0xff, 'e'}))).isEqualTo(1007);
        assertThat(answerTo(closeBody(4000, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}))).isEqualTo(1007);
    }

    @Test
    void validClosesAreEchoed() {
        for (int code : new int[] {1000, 1001, 1003, 1007, 1011, 1012, 1014, 3000, 4000, 4999}) {
            assertThat(answerTo(closeBody(code, "bye é".getBytes(StandardCharsets.UTF_8)))).as("close code %d", code)
                    .isEqualTo(code);
        }
        assertThat(answerTo(new byte[0])).as("empty close").isEqualTo(1000);
    }
}
