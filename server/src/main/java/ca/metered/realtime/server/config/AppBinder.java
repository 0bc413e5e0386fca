package ca.metered.realtime.server.config;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds and validates the {@code apps} list, including the rules that span apps: app ids,
 * publishable keys and secret key ids are each unique across the whole file, because a key
 * alone identifies its app.
 *
 * <p>Not thread-safe; one instance per load.
 */
final class AppBinder {
    private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int MIN_SECRET_LENGTH = 16;

    /** Value → path of its first use, for duplicate messages. */
    private final Map<String, String> appIds = new HashMap<>();
    private final Map<String, String> publishableKeys = new HashMap<>();
    private final Map<String, String> secretKeyIds = new HashMap<>();
    /** The top-level {@code iceServers}, for apps without their own. */
    private final List<IceServerConfig> defaultIceServers;

    AppBinder(List<IceServerConfig> defaultIceServers) {
        this.defaultIceServers = List.copyOf(defaultIceServers);
    }

    List<AppConfig> bind(ConfigNode apps) throws ConfigException {
        if (!apps.isPresent()) {
            throw apps.error("at least one app is required");
        }
        List<AppConfig> out = new ArrayList<>();
        for (ConfigNode app : apps.elements()) {
            out.add(app(app));
        }
        if (out.isEmpty()) {
            throw apps.error("at least one app is required");
        }
        return out;
    }

    private AppConfig app(ConfigNode app) throws ConfigException {
        ConfigNode idNode = app.field("id");
        if (!idNode.isPresent()) {
            throw idNode.error("required");
        }
        String id = idNode.text();
        if (!APP_ID.matcher(id).matches()) {
            throw idNode.error("must match [A-Za-z0-9_-]{1,64}, got '" + id + "'");
        }
        unique(appIds, id, idNode, "app id");
        boolean enabled = app.field("enabled").bool(true);
        List<PublishableKeyConfig> pks = new ArrayList<>();
        ConfigNode pkList = app.field("publishableKeys");
        if (pkList.isPresent()) {
            for (ConfigNode pk : pkList.elements()) {
                pks.add(publishableKey(pk));
            }
        }
        List<SecretKeyConfig> sks = new ArrayList<>();
        ConfigNode skList = app.field("secretKeys");
        if (skList.isPresent()) {
            for (ConfigNode sk : skList.elements()) {
                sks.add(secretKey(sk));
            }
        }
        Limits limits = limits(app.field("limits"));
        List<IceServerConfig> iceServers = IceServerBinder.bind(app.field("iceServers"), defaultIceServers);
        List<WebhookConfig> webhooks = WebhookBinder.endpoints(app.field("webhooks"));
        List<HistoryConfig> history = HistoryBinder.history(app.field("history"));
        Duration idempotencyWindow = HistoryBinder.idempotencyWindow(app.field("idempotencyWindow"));
        app.rejectUnknownFields();
        return new AppConfig(id, enabled, pks, sks, limits, iceServers, webhooks, history, idempotencyWindow);
    }

    private PublishableKeyConfig publishableKey(ConfigNode pk) throws ConfigException {
        ConfigNode keyNode = pk.field("key");
        String key = requiredPrefixed(keyNode, "pk_");
        unique(publishableKeys, key, keyNode, "publishable key");
        ConfigNode channelsNode = pk.field("channels");
        if (!channelsNode.isPresent()) {
            throw channelsNode.error("required (e.g. [\"**\"] for every channel)");
        }
        List<ChannelPattern> channels = patterns(channelsNode);
        if (channels.isEmpty()) {
            throw channelsNode.error("must not be empty");
        }
        Set<Action> actions = actions(pk.field("actions"), PublishableKeyConfig.DEFAULT_ACTIONS);
        List<String> origins = new ArrayList<>();
        ConfigNode originsNode = pk.field("allowedOrigins");
        if (originsNode.isPresent()) {
            for (ConfigNode o : originsNode.elements()) {
                String origin = o.text();
                if (!NetworkLiterals.isOrigin(origin)) {
                    throw o.error("must be '*' or scheme://host[:port] with no path, got '" + origin + "'");
                }
                origins.add(origin);
            }
        }
        pk.rejectUnknownFields();
        return new PublishableKeyConfig(key, channels, actions, origins);
    }

    private SecretKeyConfig secretKey(ConfigNode sk) throws ConfigException {
        ConfigNode idNode = sk.field("id");
        String id = requiredPrefixed(idNode, "sk_id_");
        unique(secretKeyIds, id, idNode, "secret key id");
        ConfigNode secretNode = sk.field("secret");
        String secret = requiredPrefixed(secretNode, "sk_secret_");
        if (secret.length() < MIN_SECRET_LENGTH) {
            // Never echo the secret itself.
            throw secretNode.error("must be at least " + MIN_SECRET_LENGTH + " characters");
        }
        ConfigNode channelsNode = sk.field("channels");
        List<ChannelPattern> channels = channelsNode.isPresent()
                ? patterns(channelsNode) : List.of(ChannelPattern.compile("**"));
        Set<Action> actions = actions(sk.field("actions"), SecretKeyConfig.DEFAULT_ACTIONS);
        sk.rejectUnknownFields();
        return new SecretKeyConfig(id, secret, channels, actions);
    }

    private static Limits limits(ConfigNode limits) throws ConfigException {
        int size = limits.field("maxMessageSize").intValue(Limits.MIN_MESSAGE_SIZE,
                Limits.MAX_MESSAGE_SIZE, Limits.DEFAULT_MAX_MESSAGE_SIZE);
        int channels = limits.field("maxChannelsPerConnection").intValue(1, Integer.MAX_VALUE,
                Limits.DEFAULT_MAX_CHANNELS_PER_CONNECTION);
        int rate = limits.field("messageRate").intValue(1, Integer.MAX_VALUE, Limits.DEFAULT_MESSAGE_RATE);
        int burst = limits.field("messageBurst").intValue(1, Integer.MAX_VALUE, Limits.DEFAULT_MESSAGE_BURST);
        int concurrent = limits.field("maxConcurrentConnections").intValue(1, Integer.MAX_VALUE,
                Limits.DEFAULT_MAX_CONCURRENT_CONNECTIONS);
        long quota = limits.field("maxMessagesPerPeriod").longValue(0, Long.MAX_VALUE, 0);
        ConfigNode lifetimeNode = limits.field("maxTokenLifetime");
        Duration lifetime = lifetimeNode.duration(Limits.DEFAULT_MAX_TOKEN_LIFETIME);
        if (lifetime.compareTo(Limits.MIN_TOKEN_LIFETIME) < 0) {
            throw lifetimeNode.error("must be at least 1m");
        }
        limits.rejectUnknownFields();
        return new Limits(size, channels, rate, burst, concurrent, quota, lifetime);
    }

    private static List<ChannelPattern> patterns(ConfigNode list) throws ConfigException {
        List<ChannelPattern> out = new ArrayList<>();
        for (ConfigNode element : list.elements()) {
            try {
                out.add(ChannelPattern.compile(element.text()));
            } catch (IllegalArgumentException e) {
                throw element.error("invalid channel pattern: " + e.getMessage());
            }
        }
        return out;
    }

    private static Set<Action> actions(ConfigNode list, Set<Action> defaults) throws ConfigException {
        if (!list.isPresent()) {
            return defaults;
        }
        EnumSet<Action> out = EnumSet.noneOf(Action.class);
        for (ConfigNode element : list.elements()) {
            String name = element.text();
            out.add(Action.fromWireName(name).orElseThrow(() -> element.error(
                    "unknown action '" + name + "' (expected subscribe, publish, presence or send)")));
        }
        return out;
    }

    private static String requiredPrefixed(ConfigNode node, String prefix) throws ConfigException {
        if (!node.isPresent()) {
            throw node.error("required");
        }
        String value = node.text();
        if (!value.startsWith(prefix) || value.length() == prefix.length()) {
            throw node.error("must start with '" + prefix + "' followed by at least one character");
        }
        return value;
    }

    private static void unique(Map<String, String> seen, String value, ConfigNode node, String what)
            throws ConfigException {
        String first = seen.putIfAbsent(value, node.path());
        if (first != null) {
            throw node.error("duplicate " + what + " '" + value + "' (already used at " + first + ")");
        }
    }
}
