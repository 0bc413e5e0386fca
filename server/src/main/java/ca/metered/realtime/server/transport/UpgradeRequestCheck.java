package ca.metered.realtime.server.transport;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Base64;
import java.util.List;

/**
 * Only RFC 6455 upgrades get through (section 4.2.1): HTTP/1.1, one {@code Host}, one
 * {@code Sec-WebSocket-Key} that is 16 bytes in base64, and {@code Sec-WebSocket-Version: 13}.
 * A malformed upgrade is HTTP 400; another version (hixie-76 sends none, hybi-07/08 send 7/8) is
 * HTTP 426 with {@code Sec-WebSocket-Version: 13} (section 4.4), both with the server's JSON
 * error body. Netty's handshaker factory would otherwise speak hixie-76 and hybi-07/08 too.
 *
 * <p>Stateless; thread-safe.
 */
final class UpgradeRequestCheck {
    static final String VERSION = "13";
    private static final int KEY_BYTES = 16;

    private UpgradeRequestCheck() {
    }

    /** The refusal for {@code req}, or {@code null} when it is a well-formed version 13 upgrade. */
    static FullHttpResponse refusal(FullHttpRequest req) {
        if (!HttpVersion.HTTP_1_1.equals(req.protocolVersion())) {
            return badRequest("a WebSocket upgrade needs HTTP/1.1");
        }
        HttpHeaders h = req.headers();
        if (h.getAll(HttpHeaderNames.HOST).size() != 1) {
            return badRequest("a WebSocket upgrade needs exactly one Host header");
        }
        List<String> versions = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (versions.size() != 1 || !VERSION.equals(versions.get(0).trim())) {
            FullHttpResponse res = HttpResponses.error(HttpResponseStatus.UPGRADE_REQUIRED, "invalid_request",
                    "unsupported WebSocket version; this server speaks RFC 6455, Sec-WebSocket-Version: 13");
            res.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION);
            return res;
        }
        List<String> keys = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (keys.size() != 1 || !isNonce(keys.get(0).trim())) {
            return badRequest("Sec-WebSocket-Key must be one base64-encoded 16-byte value");
        }
        return null;
    }

    private static boolean isNonce(String key) {
        if (key.length() != 24) { // 16 bytes encode to 22 characters plus "=="
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static FullHttpResponse badRequest(String message) {
        return HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid_request", message);
    }
}
