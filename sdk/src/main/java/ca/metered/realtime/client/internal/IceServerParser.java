package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.IceServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads {@code welcome.metadata.iceServers} fail-closed (docs/sdk-behaviour.md 9): any violation yields
 * {@code null} (no ICE servers at all), never a partial list. Non-string username/credential are
 * dropped from an otherwise valid entry. Stateless; thread-safe.
 */
public final class IceServerParser {
    private static final Pattern SCHEME = Pattern.compile("^(stuns?|turns?):", Pattern.CASE_INSENSITIVE);
    private static final int MAX_ENTRIES = 16;
    private static final int MAX_URL = 512;
    private static final int MAX_SECRET = 1024;

    private IceServerParser() {
    }

    public static List<IceServer> parse(JsonNode metadata) {
        if (metadata == null || !metadata.isObject()) {
            return null;
        }
        JsonNode raw = metadata.get("iceServers");
        if (raw == null || !raw.isArray() || raw.size() > MAX_ENTRIES) {
            return null;
        }
        List<IceServer> out = new ArrayList<>();
        for (JsonNode entry : raw) {
            if (!entry.isObject()) {
                return null;
            }
            List<String> urls = urls(entry.get("urls"));
            if (urls == null) {
                return null;
            }
            String username = null;
            String credential = null;
            JsonNode u = entry.get("username");
            if (u != null && u.isTextual()) {
                if (u.textValue().length() > MAX_SECRET) {
                    return null;
                }
                username = u.textValue();
            }
            JsonNode c = entry.get("credential");
            if (c != null && c.isTextual()) {
                if (c.textValue().length() > MAX_SECRET) {
                    return null;
                }
                credential = c.textValue();
            }
            out.add(new IceServer(urls, username, credential));
        }
        return out;
    }

    private static List<String> urls(JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isTextual()) {
            return allowed(v.textValue()) ? List.of(v.textValue()) : null;
        }
        if (!v.isArray() || v.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode u : v) {
            if (!u.isTextual() || !allowed(u.textValue())) {
                return null;
            }
            out.add(u.textValue());
        }
        return out;
    }

    private static boolean allowed(String url) {
        return !url.isEmpty() && url.length() <= MAX_URL && SCHEME.matcher(url).find();
    }
}
