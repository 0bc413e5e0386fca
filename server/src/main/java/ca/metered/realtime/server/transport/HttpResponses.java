package ca.metered.realtime.server.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Builds JSON HTTP responses, including the one error shape shared by every endpoint
 * ({@code {"error": "<code>", "message": "…"}}, docs/protocol.md 7).
 *
 * <p>Stateless; thread-safe.
 */
public final class HttpResponses {
    // Exact decimals: a REST-published {"price": 1.10} reaches subscribers as 1.10, not 1.1.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    private HttpResponses() {
    }

    public static FullHttpResponse json(HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("response body not serialisable", e);
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return res;
    }

    public static FullHttpResponse error(HttpResponseStatus status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", code);
        body.put("message", message);
        return json(status, body);
    }

    /** 405 for a resource that only answers GET and HEAD, with the {@code Allow} header. */
    static FullHttpResponse getOrHeadOnly() {
        FullHttpResponse res = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "invalid_request",
                "only GET and HEAD are allowed here");
        res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        return res;
    }

    public static ObjectMapper mapper() {
        return JSON;
    }
}
