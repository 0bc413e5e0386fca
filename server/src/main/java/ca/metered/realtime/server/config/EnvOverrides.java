package ca.metered.realtime.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Environment-variable overrides, written into the YAML tree before binding so that an
 * override goes through exactly the same validation as the file. A value that is not even
 * the right shape is reported against the variable's name.
 *
 * <p>Stateless; thread-safe.
 */
final class EnvOverrides {
    static final String HOST = "RMS_HOST";
    static final String PORT = "RMS_PORT";
    static final String TLS_CERT = "RMS_TLS_CERT";
    static final String TLS_KEY = "RMS_TLS_KEY";
    static final String TRUSTED_PROXIES = "RMS_TRUSTED_PROXIES";
    static final String OUTBOUND_BUFFER_BYTES = "RMS_OUTBOUND_BUFFER_BYTES";
    static final String REDIS_URL = "RMS_REDIS_URL";
    static final String ADMIN_PASSWORD = "RMS_ADMIN_PASSWORD";
    static final String METRICS_TOKEN = "RMS_METRICS_TOKEN";
    static final String LOG_FORMAT = "RMS_LOG_FORMAT";

    private EnvOverrides() {
    }

    static void apply(ObjectNode root, Map<String, String> env) throws ConfigException {
        String host = env.get(HOST);
        if (host != null) {
            if (host.isBlank()) {
                throw new ConfigException(HOST + ": must not be empty");
            }
            server(root).put("host", host.trim());
        }
        String port = env.get(PORT);
        if (port != null) {
            server(root).put("port", integer(PORT, port, 0, 65535));
        }
        String cert = env.get(TLS_CERT);
        if (cert != null) {
            tls(root).put("certFile", nonEmpty(TLS_CERT, cert));
        }
        String key = env.get(TLS_KEY);
        if (key != null) {
            tls(root).put("keyFile", nonEmpty(TLS_KEY, key));
        }
        String proxies = env.get(TRUSTED_PROXIES);
        if (proxies != null) {
            ArrayNode list = server(root).putArray("trustedProxies");
            for (String p : proxies.split(",")) {
                String value = p.trim();
                if (value.isEmpty()) {
                    continue;
                }
                if (!NetworkLiterals.isAddressOrCidr(value)) {
                    throw new ConfigException(TRUSTED_PROXIES
                            + ": must be comma-separated IP addresses or CIDR blocks, got '" + value + "'");
                }
                list.add(value);
            }
        }
        String outbound = env.get(OUTBOUND_BUFFER_BYTES);
        if (outbound != null) {
            server(root).put("outboundBufferBytes",
                    integer(OUTBOUND_BUFFER_BYTES, outbound, Limits.MIN_MESSAGE_SIZE, Integer.MAX_VALUE));
        }
        redis(root, env);
        operations(root, env);
    }

    private static void operations(ObjectNode root, Map<String, String> env) throws ConfigException {
        String password = env.get(ADMIN_PASSWORD);
        if (password != null && !password.isEmpty()) {
            // Turns the dashboard on even without an admin section (username "admin"), so a
            // secret store can provide the whole credential; the password is never defaulted.
            child(root, "admin", "admin").put("password", password);
        }
        String token = env.get(METRICS_TOKEN);
        if (token != null && !token.isEmpty()) {
            child(root, "metrics", "metrics").put("bearerToken", token);
        }
        String format = env.get(LOG_FORMAT);
        if (format != null && !format.isBlank()) {
            child(root, "logging", "logging").put("format", format.trim());
        }
    }

    private static void redis(ObjectNode root, Map<String, String> env) throws ConfigException {
        String url = env.get(REDIS_URL);
        if (url != null) {
            // Joins the node to a cluster even when the file has no cluster section.
            child(root, "cluster", "cluster").put("redis", nonEmpty(REDIS_URL, url));
        }
    }

    private static ObjectNode server(ObjectNode root) throws ConfigException {
        return child(root, "server", "server");
    }

    private static ObjectNode tls(ObjectNode root) throws ConfigException {
        return child(server(root), "tls", "server.tls");
    }

    private static ObjectNode child(ObjectNode parent, String name, String path) throws ConfigException {
        JsonNode existing = parent.get(name);
        if (existing == null || existing.isNull()) {
            return parent.putObject(name);
        }
        if (!existing.isObject()) {
            throw new ConfigException(path + ": must be a mapping");
        }
        return (ObjectNode) existing;
    }

    private static String nonEmpty(String variable, String value) throws ConfigException {
        if (value.isBlank()) {
            throw new ConfigException(variable + ": must not be empty");
        }
        return value.trim();
    }

    private static int integer(String variable, String value, int min, int max) throws ConfigException {
        try {
            long v = Long.parseLong(value.trim());
            if (v >= min && v <= max) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // reported below with the variable name
        }
        throw new ConfigException(variable + ": must be an integer between " + min + " and " + max
                + ", got '" + value + "'");
    }
}
