package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Binds an {@code iceServers} list (the top-level default or an app's own) and holds it to the
 * limits the official SDKs enforce fail-closed on {@code welcome.metadata.iceServers} (docs/sdk-behaviour.md 9):
 * a list they would drop as a whole is refused at start instead, with the field at fault named.
 *
 * <p>Stateless; thread-safe.
 */
final class IceServerBinder {
    /** The SDKs' scheme check, plus at least one character after the colon. */
    private static final Pattern URL = Pattern.compile("(?i)(stuns?|turns?):\\S+");

    private IceServerBinder() {
    }

    /** The list at {@code list}, or {@code absent} when the field is not given. */
    static List<IceServerConfig> bind(ConfigNode list, List<IceServerConfig> absent) throws ConfigException {
        if (!list.isPresent()) {
            return absent;
        }
        List<ConfigNode> entries = list.elements();
        if (entries.size() > IceServerConfig.MAX_ENTRIES) {
            throw list.error("at most " + IceServerConfig.MAX_ENTRIES
                    + " entries (the SDKs ignore a longer list entirely)");
        }
        List<IceServerConfig> out = new ArrayList<>();
        for (ConfigNode entry : entries) {
            out.add(entry(entry));
        }
        return List.copyOf(out);
    }

    private static IceServerConfig entry(ConfigNode entry) throws ConfigException {
        for (String staticField : List.of("username", "credential")) {
            ConfigNode n = entry.field(staticField);
            if (n.isPresent()) {
                throw n.error("static TURN credentials are not supported: give 'secret' (coturn's "
                        + "static-auth-secret) and rms mints a credential per connection");
            }
        }
        List<String> urls = urls(entry.field("urls"));
        boolean turn = IceServerConfig.isTurn(urls);
        ConfigNode secretNode = entry.field("secret");
        ConfigNode ttlNode = entry.field("ttl");
        entry.rejectUnknownFields();
        if (!turn) {
            if (secretNode.isPresent() || ttlNode.isPresent()) {
                throw (secretNode.isPresent() ? secretNode : ttlNode)
                        .error("only for entries with turn: or turns: URLs");
            }
            return IceServerConfig.stun(urls);
        }
        if (!secretNode.isPresent()) {
            throw secretNode.error("required for turn: and turns: URLs (coturn's static-auth-secret)");
        }
        String secret = secretNode.text();
        if (secret.length() < AppBinder.MIN_SECRET_LENGTH) {
            // Never echo the secret itself.
            throw secretNode.error("must be at least " + AppBinder.MIN_SECRET_LENGTH + " characters");
        }
        Duration ttl = ttlNode.duration(IceServerConfig.DEFAULT_TTL);
        if (ttl.toSeconds() < 1 || ttl.compareTo(IceServerConfig.MAX_TTL) > 0) {
            throw ttlNode.error("must be between 1s and " + IceServerConfig.MAX_TTL.toDays() + " days");
        }
        return new IceServerConfig(urls, secret, ttl);
    }

    private static List<String> urls(ConfigNode node) throws ConfigException {
        if (!node.isPresent()) {
            throw node.error("required (e.g. \"stun:turn.example.com:3478\")");
        }
        List<ConfigNode> elements = node.isList() ? node.elements() : List.of(node);
        if (elements.isEmpty()) {
            throw node.error("must not be empty");
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode element : elements) {
            String url = element.text();
            if (url.length() > IceServerConfig.MAX_URL_LENGTH) {
                throw element.error("longer than " + IceServerConfig.MAX_URL_LENGTH
                        + " characters (the SDKs ignore the whole list then)");
            }
            if (!URL.matcher(url).matches()) {
                throw element.error("must be a stun:, stuns:, turn: or turns: URL without spaces, got '" + url + "'");
            }
            out.add(url);
        }
        return out;
    }
}
