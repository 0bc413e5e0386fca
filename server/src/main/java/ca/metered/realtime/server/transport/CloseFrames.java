package ca.metered.realtime.server.transport;

import ca.metered.realtime.server.pubsub.CloseStatus;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The answer to a client's close frame (RFC 6455 5.5.1, 7.4): the client's code echoed when it
 * is one an endpoint may send, 1000 for a close without a code, 1002 for a one-byte body or a
 * code it may not send (below 1000, 1004–1006, 1015, 1016–2999, 5000 and above), 1007 for a
 * reason that is not UTF-8.
 *
 * <p>Stateless; thread-safe.
 */
final class CloseFrames {
    static final int NORMAL = 1000;
    static final int PROTOCOL_ERROR = 1002;
    static final int INVALID_PAYLOAD = 1007;
    /** "No status received": a close frame without a code; never sent itself. */
    static final int NO_STATUS = 1005;

    /** The code to answer with, and whether the client broke the protocol. */
    record Reply(int code, String reason, boolean violation) {
        CloseWebSocketFrame frame() {
            return new CloseWebSocketFrame(code, reason);
        }
    }

    private CloseFrames() {
    }

    static Reply replyTo(CloseWebSocketFrame close) {
        ByteBuf body = close.content();
        int length = body.readableBytes();
        if (length == 0) {
            return new Reply(NORMAL, "", false);
        }
        if (length == 1) {
            return new Reply(PROTOCOL_ERROR, "close frame with a one-byte body", true);
        }
        int code = body.getUnsignedShort(body.readerIndex());
        if (!maySend(code)) {
            return new Reply(PROTOCOL_ERROR, "invalid close code " + code, true);
        }
        if (length > 2 && !isUtf8(body, body.readerIndex() + 2, length - 2)) {
            return new Reply(INVALID_PAYLOAD, "close reason is not UTF-8", true);
        }
        return new Reply(code, "", false);
    }

    /**
     * How the client ended the connection with this close frame: its code and reason; 1005 (no
     * status, RFC 6455 7.1.5) for a frame without a code; the code and reason of our answer when
     * the frame broke the protocol.
     */
    static CloseStatus statusOf(CloseWebSocketFrame close, Reply reply) {
        if (reply.violation()) {
            return new CloseStatus(reply.code(), reply.reason());
        }
        if (close.content().readableBytes() == 0) {
            return new CloseStatus(NO_STATUS, "");
        }
        return new CloseStatus(reply.code(), close.reasonText());
    }

    /**
     * Codes an endpoint may put in a close frame: the defined ones that are not reserved for
     * local use (1004 reserved, 1005/1006/1015 never sent), the IANA-registered 1012–1014, and
     * the registered (3000–3999) and private (4000–4999) ranges.
     */
    static boolean maySend(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private static boolean isUtf8(ByteBuf buf, int index, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buf.nioBuffer(index, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
