package ca.metered.realtime.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import org.junit.jupiter.api.Test;

class CloseFramesTest {

    private static CloseFrames.Reply reply(byte... body) {
        CloseWebSocketFrame frame = new CloseWebSocketFrame(true, 0, Unpooled.wrappedBuffer(body));
        try {
            return CloseFrames.replyTo(frame);
        } finally {
            frame.release();
        }
    }

    private static byte[] code(int code, byte... reason) {
        byte[] out = new byte[2 + reason.length];
        out[0] = (byte) (code >>> 8);
        out[1] = (byte) code;
        System.arraycopy(reason, 0, out, 2, reason.length);
        return out;
    }

    @Test
    void everyCodeFrom0To65535IsEchoedExactlyWhenAnEndpointMaySendIt() {
        for (int c = 0; c <= 0xffff; c++) {
            CloseFrames.Reply r = reply(code(c));
            boolean valid = (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
            assertThat(r.code()).as("code %d", c).isEqualTo(valid ? c : 1002);
            assertThat(r.violation()).as("code %d", c).isEqualTo(!valid);
        }
    }

    @Test
    void emptyBodyIsANormalCloseAndOneByteIsAProtocolError() {
        assertThat(reply()).isEqualTo(new CloseFrames.Reply(1000, "", false));
        assertThat(reply((byte) 3).code()).isEqualTo(1002);
    }

    @Test
    void aReasonThatIsNotUtf8Is1007() {
        assertThat(reply(code(1000, (byte) 'o', (byte) 'k')).code()).isEqualTo(1000);
        assertThat(reply(code(1000, (byte) 0xff)).code()).isEqualTo(1007);
        assertThat(reply(code(4000, (byte) 0xed, (byte) 0xa0, (byte) 0x80)).code()).isEqualTo(1007);
        assertThat(reply(code(4000, (byte) 0xe2, (byte) 0x82)).code()).isEqualTo(1007);
        // an invalid code wins over the reason
        assertThat(reply(code(5000, (byte) 0xff)).code()).isEqualTo(1002);
    }
}
