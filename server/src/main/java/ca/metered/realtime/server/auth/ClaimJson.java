package ca.metered.realtime.server.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.nio.charset.StandardCharsets;

/**
 * JSON handling shared by token verification and minting: one mapper that keeps key order
 * and number text (big decimals, trailing zeros kept) so claim objects round-trip without
 * drift, and rejects duplicate keys so two parsers can never disagree about a claim.
 *
 * <p>Stateless; thread-safe.
 */
final class ClaimJson {
    /** Largest serialized {@code peerMetadata} claim (docs/protocol.md 5). */
    static final int MAX_PEER_METADATA_BYTES = 4096;
    /** Largest serialized {@code metadata} claim (docs/protocol.md 5). */
    static final int MAX_METADATA_BYTES = 8192;

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private ClaimJson() {
    }

    static JsonNode parse(String json) throws JsonProcessingException {
        return MAPPER.readTree(json);
    }

    /**
     * The compact text of {@code node} if it is a JSON object of at most {@code maxBytes}
     * UTF-8 bytes, else null.
     */
    static String compactObject(JsonNode node, int maxBytes) {
        if (node == null || !node.isObject()) {
            return null;
        }
        try {
            String text = MAPPER.writeValueAsString(node);
            return text.getBytes(StandardCharsets.UTF_8).length <= maxBytes ? text : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
