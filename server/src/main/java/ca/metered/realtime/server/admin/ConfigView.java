package ca.metered.realtime.server.admin;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.ClusterSettings;
import ca.metered.realtime.server.config.IceServerConfig;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.config.PublishableKeyConfig;
import ca.metered.realtime.server.config.SecretKeyConfig;
import ca.metered.realtime.server.config.ServerConfig;
import ca.metered.realtime.server.config.ServerSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The running configuration as the admin shows it ({@code GET /admin/api/config}): every setting
 * with its effective value, defaults included, and every secret replaced by {@link #MASK}. Built
 * field by field from the records (never by serialising them), so a secret field added later
 * stays out until someone adds it here on purpose.
 *
 * <p>Stateless; thread-safe.
 */
final class ConfigView {
    static final String MASK = "********";

    private ConfigView() {
    }

    static ObjectNode of(ServerConfig config, ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        server(root.putObject("server"), config.server());
        ArrayNode apps = root.putArray("apps");
        for (AppConfig app : config.apps()) {
            app(apps.addObject(), app);
        }
        config.cluster().ifPresent(c -> cluster(root.putObject("cluster"), c));
        ObjectNode metrics = root.putObject("metrics");
        metrics.put("bearerToken", config.metrics().bearerToken().isPresent() ? MASK : null);
        if (config.metrics().port().isPresent()) {
            metrics.put("port", config.metrics().port().getAsInt());
            metrics.put("host", config.metrics().host());
        }
        config.admin().ifPresent(a -> {
            ObjectNode admin = root.putObject("admin");
            admin.put("username", a.username());
            admin.put("password", MASK);
            admin.put("sessionTimeout", duration(a.sessionTimeout()));
        });
        root.putObject("logging").put("format", config.logFormat().name().toLowerCase(java.util.Locale.ROOT));
        return root;
    }

    private static void server(ObjectNode out, ServerSettings s) {
        out.put("host", s.host());
        out.put("port", s.port());
        s.tls().ifPresent(t -> {
            ObjectNode tls = out.putObject("tls");
            tls.put("certFile", t.certFile().toString());
            tls.put("keyFile", t.keyFile().toString());
        });
        strings(out.putArray("trustedProxies"), s.trustedProxies());
        ObjectNode rate = out.putObject("connectRate");
        rate.put("perIp", s.connectRatePerIp());
        rate.put("window", duration(s.connectRateWindow()));
        ObjectNode ping = out.putObject("ping");
        ping.put("interval", duration(s.pingInterval()));
        ping.put("timeout", duration(s.pingTimeout()));
        out.put("shutdownGrace", duration(s.shutdownGrace()));
        out.put("outboundBufferBytes", s.outboundBufferBytes());
        out.put("eventLoopThreads", s.eventLoopThreads());
        ObjectNode conn = out.putObject("connections");
        conn.put("requestTimeout", duration(s.connections().requestTimeout()));
        conn.put("maxPending", s.connections().maxPending());
        conn.put("maxPendingPerIp", s.connections().maxPendingPerIp());
        conn.put("fdReserve", s.connections().fdReserve());
    }

    private static void app(ObjectNode out, AppConfig app) {
        out.put("id", app.id());
        out.put("enabled", app.enabled());
        ArrayNode pks = out.putArray("publishableKeys");
        for (PublishableKeyConfig k : app.publishableKeys()) {
            ObjectNode pk = pks.addObject();
            pk.put("key", k.key()); // shipped in browser code anyway: not a secret
            patterns(pk.putArray("channels"), k.channels());
            actions(pk.putArray("actions"), k.actions());
            strings(pk.putArray("allowedOrigins"), k.allowedOrigins());
        }
        ArrayNode sks = out.putArray("secretKeys");
        for (SecretKeyConfig k : app.secretKeys()) {
            ObjectNode sk = sks.addObject();
            sk.put("id", k.id());
            sk.put("secret", MASK);
            patterns(sk.putArray("channels"), k.channels());
            actions(sk.putArray("actions"), k.actions());
        }
        Limits l = app.limits();
        ObjectNode limits = out.putObject("limits");
        limits.put("maxMessageSize", l.maxMessageSize());
        limits.put("maxChannelsPerConnection", l.maxChannelsPerConnection());
        limits.put("messageRate", l.messageRate());
        limits.put("messageBurst", l.messageBurst());
        limits.put("maxConcurrentConnections", l.maxConcurrentConnections());
        limits.put("maxMessagesPerPeriod", l.maxMessagesPerPeriod());
        limits.put("maxTokenLifetime", duration(l.maxTokenLifetime()));
        ArrayNode ice = out.putArray("iceServers");
        for (IceServerConfig s : app.iceServers()) {
            ObjectNode entry = ice.addObject();
            strings(entry.putArray("urls"), s.urls());
            if (s.secret() != null) {
                entry.put("secret", MASK);
                entry.put("ttl", duration(s.ttl()));
            }
        }
    }

    private static void cluster(ObjectNode out, ClusterSettings c) {
        out.put("redis", withoutUserInfo(c.redis()));
        out.put("password", c.password().isPresent() ? MASK : null);
        out.put("database", c.database());
        out.put("tls", c.tls());
        out.put("keyPrefix", c.keyPrefix());
        out.put("heartbeatInterval", duration(c.heartbeatInterval()));
        out.put("nodeTimeout", duration(c.nodeTimeout()));
        out.put("reconnectDelay", duration(c.reconnectDelay()));
        out.put("commandTimeout", duration(c.commandTimeout()));
        out.put("reassertDelay", duration(c.reassertDelay()));
        out.put("leaveTimeout", duration(c.leaveTimeout()));
    }

    /** {@code redis://user:pass@host:6379/0} → {@code redis://********@host:6379/0}. */
    static String withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        try {
            return new URI(uri.getScheme(), MASK, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment()).toString();
        } catch (URISyntaxException e) {
            return uri.getScheme() + "://" + MASK + "@" + uri.getHost();
        }
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static void strings(ArrayNode out, Collection<String> values) {
        values.forEach(out::add);
    }

    private static void patterns(ArrayNode out, List<ChannelPattern> patterns) {
        patterns.forEach(p -> out.add(p.glob()));
    }

    private static void actions(ArrayNode out, Collection<Action> actions) {
        actions.stream().sorted(Comparator.naturalOrder()).forEach(a -> out.add(a.wireName()));
    }
}
