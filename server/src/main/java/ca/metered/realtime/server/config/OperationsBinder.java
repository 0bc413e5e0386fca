package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Binds and validates the sections an operator uses to watch and run the server: {@code metrics},
 * {@code admin} and {@code logging}.
 *
 * <p>Stateless; thread-safe.
 */
final class OperationsBinder {
    private OperationsBinder() {
    }

    static MetricsSettings metrics(ConfigNode metrics) throws ConfigException {
        if (!metrics.isPresent()) {
            return MetricsSettings.defaults();
        }
        ConfigNode tokenNode = metrics.field("bearerToken");
        Optional<String> token = Optional.empty();
        if (tokenNode.isPresent()) {
            String t = tokenNode.text();
            if (t.length() < MetricsSettings.MIN_TOKEN_LENGTH || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw tokenNode.error("must be at least " + MetricsSettings.MIN_TOKEN_LENGTH
                        + " printable ASCII characters without spaces");
            }
            token = Optional.of(t);
        }
        ConfigNode portNode = metrics.field("port");
        OptionalInt port = portNode.isPresent() ? OptionalInt.of(portNode.intValue(0, 65535, 0)) : OptionalInt.empty();
        String host = metrics.field("host").text(MetricsSettings.DEFAULT_HOST);
        if (host.isBlank()) {
            throw metrics.field("host").error("must not be empty");
        }
        if (metrics.field("host").isPresent() && port.isEmpty()) {
            throw metrics.field("host").error("only applies with metrics.port (a separate listener)");
        }
        metrics.rejectUnknownFields();
        return new MetricsSettings(token, port, host.trim());
    }

    static Optional<AdminSettings> admin(ConfigNode admin) throws ConfigException {
        if (!admin.isPresent()) {
            return Optional.empty();
        }
        ConfigNode userNode = admin.field("username");
        String username = userNode.text(AdminSettings.DEFAULT_USERNAME);
        if (username.isBlank() || username.length() > 64 || username.indexOf(':') >= 0
                || !username.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw userNode.error("must be 1-64 printable ASCII characters without spaces or ':'");
        }
        ConfigNode passwordNode = admin.field("password");
        if (!passwordNode.isPresent()) {
            throw passwordNode.error("required: the admin dashboard has no default password (set admin.password or "
                    + EnvOverrides.ADMIN_PASSWORD + ")");
        }
        String password = passwordNode.text();
        if (password.length() < AdminSettings.MIN_PASSWORD_LENGTH) {
            throw passwordNode.error("must be at least " + AdminSettings.MIN_PASSWORD_LENGTH + " characters");
        }
        ConfigNode timeoutNode = admin.field("sessionTimeout");
        Duration timeout = timeoutNode.duration(AdminSettings.DEFAULT_SESSION_TIMEOUT);
        if (timeout.compareTo(Duration.ofMinutes(1)) < 0) {
            throw timeoutNode.error("must be at least 1m");
        }
        admin.rejectUnknownFields();
        return Optional.of(new AdminSettings(username, password, timeout));
    }

    static LogFormat logFormat(ConfigNode logging) throws ConfigException {
        if (!logging.isPresent()) {
            return LogFormat.TEXT;
        }
        ConfigNode formatNode = logging.field("format");
        String format = formatNode.text("text").trim().toLowerCase(Locale.ROOT);
        logging.rejectUnknownFields();
        return switch (format) {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw formatNode.error("must be text or json");
        };
    }
}
