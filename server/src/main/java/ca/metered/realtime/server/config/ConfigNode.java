package ca.metered.realtime.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML node plus its field path ({@code apps[0].limits.messageRate}), so that every
 * validation message names the field at fault. Mappings remember which keys were read, so
 * that a typo (an unread key) is reported instead of silently ignored.
 *
 * <p>Not thread-safe; lives only during one load.
 */
final class ConfigNode {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?");

    private final JsonNode node;
    private final String path;
    private final Set<String> readKeys = new LinkedHashSet<>();

    ConfigNode(JsonNode node, String path) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
    }

    String path() {
        return path;
    }

    /** Whether a value was given; YAML {@code key:} with nothing after it counts as absent. */
    boolean isPresent() {
        return !node.isMissingNode() && !node.isNull();
    }

    ConfigException error(String message) {
        return new ConfigException((path.isEmpty() ? "config" : path) + ": " + message);
    }

    /** The child of a mapping; absent children are returned as absent nodes. */
    ConfigNode field(String name) throws ConfigException {
        requireMapping();
        readKeys.add(name);
        return new ConfigNode(node.get(name), path.isEmpty() ? name : path + "." + name);
    }

    /** Fails on the first key of this mapping that was never read: it is a typo or unsupported. */
    void rejectUnknownFields() throws ConfigException {
        if (!isPresent()) {
            return;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!readKeys.contains(name)) {
                String at = path.isEmpty() ? name : path + "." + name;
                throw new ConfigException(at + ": unknown field (expected one of " + readKeys + ")");
            }
        }
    }

    /** Whether the value is a YAML sequence. */
    boolean isList() {
        return node.isArray();
    }

    List<ConfigNode> elements() throws ConfigException {
        if (!node.isArray()) {
            throw error("must be a list");
        }
        List<ConfigNode> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(new ConfigNode(node.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    String text() throws ConfigException {
        // Numbers and booleans are scalars too in YAML; only accept real strings so that
        // e.g. an unquoted `port`-like value in a string field is caught.
        if (!node.isTextual()) {
            throw error(node.isValueNode()
                    ? "must be a string (quote it: YAML reads on/off/yes/no/true/false and numbers as other types)"
                    : "must be a string");
        }
        return node.textValue();
    }

    String text(String defaultValue) throws ConfigException {
        return isPresent() ? text() : defaultValue;
    }

    long longValue(long min, long max, long defaultValue) throws ConfigException {
        if (!isPresent()) {
            return defaultValue;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw error("must be an integer");
        }
        long v = node.longValue();
        if (v < min) {
            throw error(min == 1 ? "must be > 0" : "must be >= " + min);
        }
        if (v > max) {
            throw error("must be <= " + max);
        }
        return v;
    }

    int intValue(int min, int max, int defaultValue) throws ConfigException {
        return (int) longValue(min, max, defaultValue);
    }

    boolean bool(boolean defaultValue) throws ConfigException {
        if (!isPresent()) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw error("must be true or false");
        }
        return node.booleanValue();
    }

    /** A duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or an integer of seconds. */
    Duration duration(Duration defaultValue) throws ConfigException {
        if (!isPresent()) {
            return defaultValue;
        }
        String raw = node.isIntegralNumber() ? node.asText() : node.isTextual() ? node.textValue() : null;
        Duration d = raw == null ? null : parseDuration(raw);
        if (d == null) {
            throw error("must be a duration like 500ms, 30s, 5m, 1h or a number of seconds");
        }
        return d;
    }

    static Duration parseDuration(String raw) {
        Matcher m = DURATION.matcher(raw.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private void requireMapping() throws ConfigException {
        if (isPresent() && !node.isObject()) {
            throw error("must be a mapping");
        }
    }
}
