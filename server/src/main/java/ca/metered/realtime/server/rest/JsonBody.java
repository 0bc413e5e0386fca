package ca.metered.realtime.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.FullHttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A REST request's JSON object body and typed access to its fields; a missing or mistyped
 * field is a 400 {@code invalid_request} naming the field (docs/protocol.md 7). The admin API reads
 * its bodies with it too, and answers its {@link RestError}s the same way.
 *
 * <p>Immutable; thread-safe.
 */
public final class JsonBody {
    private final ObjectMapper json;
    private final JsonNode body;

    private JsonBody(ObjectMapper json, JsonNode body) {
        this.json = json;
        this.body = body;
    }

    /** The request's body, which must be one JSON object. */
    public static JsonBody of(ObjectMapper json, FullHttpRequest req) {
        if (req.content().readableBytes() == 0) {
            throw RestError.invalid("request body must be a JSON object");
        }
        try {
            JsonNode n = json.readTree(req.content().toString(StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) {
                throw RestError.invalid("request body must be a JSON object");
            }
            return new JsonBody(json, n);
        } catch (JsonProcessingException e) {
            throw RestError.invalid("request body is not valid JSON");
        }
    }

    public boolean has(String field) {
        return body.has(field);
    }

    public JsonNode get(String field) {
        return body.get(field);
    }

    public String requiredString(String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw RestError.invalid("\"" + field + "\" must be a string");
        }
        return n.asText();
    }

    public List<String> stringList(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw RestError.invalid("\"" + field + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw RestError.invalid("\"" + field + "\" must be an array of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    public Long optionalLong(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw RestError.invalid("\"" + field + "\" must be an integer");
        }
        return n.asLong();
    }

    public boolean optionalBoolean(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw RestError.invalid("\"" + field + "\" must be true or false");
        }
        return n.booleanValue();
    }

    public JsonNode optionalObject(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw RestError.invalid("\"" + field + "\" must be a JSON object");
        }
        return n;
    }

    /** Compact JSON text of a node, as it will be carried (key order kept). */
    String text(JsonNode n) {
        try {
            return json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
