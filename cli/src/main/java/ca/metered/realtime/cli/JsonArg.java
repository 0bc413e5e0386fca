package ca.metered.realtime.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Parses a JSON command-line argument (any JSON value, no trailing garbage) or fails as a usage error. */
final class JsonArg {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonArg() {
    }

    static JsonNode parse(String option, String text) {
        if (text == null || text.isBlank()) {
            throw new CliException(option + " must be a JSON value, e.g. '{\"text\":\"hi\"}' or '\"hi\"'", 2);
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliException(option + " is not valid JSON: " + e.getOriginalMessage()
                    + " (quote strings: '\"hi\"')", 2);
        }
    }
}
