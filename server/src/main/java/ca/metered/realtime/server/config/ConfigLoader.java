package ca.metered.realtime.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the server's single YAML file: parse, apply environment overrides
 * ({@code RMS_HOST}, {@code RMS_PORT}, {@code RMS_TLS_CERT}, {@code RMS_TLS_KEY},
 * {@code RMS_TRUSTED_PROXIES}, {@code RMS_OUTBOUND_BUFFER_BYTES}, {@code RMS_REDIS_URL}, {@code RMS_ADMIN_PASSWORD},
 * {@code RMS_METRICS_TOKEN}, {@code RMS_LOG_FORMAT}), then bind and validate
 * into immutable records with defaults filled in. Unknown keys are errors, so a typo never
 * silently falls back to a default.
 *
 * <p>Stateless; thread-safe.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigLoader() {
    }

    /**
     * Loads {@code file}; error messages are prefixed with the file path.
     *
     * @param env environment variables, usually {@code System.getenv()}
     */
    public static ServerConfig load(Path file, Map<String, String> env) throws ConfigException {
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("config file not found: " + file, e);
        }
        try {
            return parse(yaml, env);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e.getCause());
        }
    }

    /** Parses YAML text; for tests and for callers that already hold the text. */
    public static ServerConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(syntaxMessage(e), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException("config is empty");
        }
        if (!tree.isObject()) {
            throw new ConfigException("config: top level must be a mapping with 'server' and 'apps'");
        }
        EnvOverrides.apply((ObjectNode) tree, env);
        ConfigNode root = new ConfigNode(tree, "");
        ServerSettings server = SettingsBinder.bind(root.field("server"));
        List<IceServerConfig> iceServers = IceServerBinder.bind(root.field("iceServers"), List.of());
        List<AppConfig> apps = new AppBinder(iceServers).bind(root.field("apps"));
        Optional<ClusterSettings> cluster = ClusterBinder.bind(root.field("cluster"));
        MetricsSettings metrics = OperationsBinder.metrics(root.field("metrics"));
        Optional<AdminSettings> admin = OperationsBinder.admin(root.field("admin"));
        LogFormat logFormat = OperationsBinder.logFormat(root.field("logging"));
        WebhookSettings webhooks = WebhookBinder.settings(root.field("webhooks"));
        root.rejectUnknownFields();
        return new ServerConfig(server, apps, cluster, metrics, admin, logFormat, webhooks);
    }

    private static String syntaxMessage(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String detail = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
        return "YAML syntax error" + where + ": " + detail;
    }
}
