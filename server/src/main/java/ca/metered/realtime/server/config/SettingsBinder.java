package ca.metered.realtime.server.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds and validates the {@code server} section into {@link ServerSettings}.
 *
 * <p>Stateless; thread-safe.
 */
final class SettingsBinder {
    private SettingsBinder() {
    }

    static ServerSettings bind(ConfigNode server) throws ConfigException {
        String host = server.field("host").text(ServerSettings.DEFAULT_HOST);
        if (host.isBlank()) {
            throw server.field("host").error("must not be empty");
        }
        int port = server.field("port").intValue(0, 65535, ServerSettings.DEFAULT_PORT);
        Optional<TlsSettings> tls = tls(server.field("tls"));
        List<String> proxies = trustedProxies(server.field("trustedProxies"));

        ConfigNode connectRate = server.field("connectRate");
        int perIp = connectRate.field("perIp").intValue(1, Integer.MAX_VALUE,
                ServerSettings.DEFAULT_CONNECT_RATE_PER_IP);
        Duration window = positive(connectRate.field("window"), ServerSettings.DEFAULT_CONNECT_RATE_WINDOW);
        connectRate.rejectUnknownFields();

        ConfigNode ping = server.field("ping");
        Duration interval = positive(ping.field("interval"), ServerSettings.DEFAULT_PING_INTERVAL);
        Duration timeout = positive(ping.field("timeout"), ServerSettings.DEFAULT_PING_TIMEOUT);
        ping.rejectUnknownFields();

        Duration grace = server.field("shutdownGrace").duration(ServerSettings.DEFAULT_SHUTDOWN_GRACE);
        // Below one max-size frame, every large message would trip the slow-consumer close.
        int outbound = server.field("outboundBufferBytes").intValue(Limits.MIN_MESSAGE_SIZE,
                Integer.MAX_VALUE, ServerSettings.DEFAULT_OUTBOUND_BUFFER_BYTES);
        int threads = server.field("eventLoopThreads").intValue(0, 1024, 0);
        long directMemory = server.field("directMemoryBytes").longValue(0, Long.MAX_VALUE, 0);
        if (directMemory != 0 && directMemory < ServerSettings.MIN_DIRECT_MEMORY_BYTES) {
            throw server.field("directMemoryBytes").error("must be 0 (default) or at least "
                    + ServerSettings.MIN_DIRECT_MEMORY_BYTES);
        }
        Duration presenceWindow = server.field("presenceWindow").duration(ServerSettings.DEFAULT_PRESENCE_WINDOW);
        if (presenceWindow.isNegative() || presenceWindow.compareTo(Duration.ofSeconds(1)) > 0) {
            throw server.field("presenceWindow").error("must be between 0 and 1s");
        }
        ConnectionLimits connections = connections(server.field("connections"));
        server.rejectUnknownFields();
        return new ServerSettings(host, port, tls, proxies, perIp, window, interval, timeout,
                grace, outbound, threads, directMemory, presenceWindow, connections);
    }

    private static ConnectionLimits connections(ConfigNode node) throws ConfigException {
        Duration requestTimeout = positive(node.field("requestTimeout"), ConnectionLimits.DEFAULT_REQUEST_TIMEOUT);
        int maxPending = node.field("maxPending").intValue(0, Integer.MAX_VALUE, 0);
        int perIp = node.field("maxPendingPerIp").intValue(1, Integer.MAX_VALUE,
                ConnectionLimits.DEFAULT_MAX_PENDING_PER_IP);
        int reserve = node.field("fdReserve").intValue(0, Integer.MAX_VALUE, ConnectionLimits.DEFAULT_FD_RESERVE);
        node.rejectUnknownFields();
        return new ConnectionLimits(requestTimeout, maxPending, perIp, reserve);
    }

    private static Duration positive(ConfigNode node, Duration defaultValue) throws ConfigException {
        Duration d = node.duration(defaultValue);
        if (d.isZero()) {
            throw node.error("must be > 0");
        }
        return d;
    }

    private static Optional<TlsSettings> tls(ConfigNode tls) throws ConfigException {
        if (!tls.isPresent()) {
            return Optional.empty();
        }
        Path cert = readableFile(tls.field("certFile"));
        Path key = readableFile(tls.field("keyFile"));
        tls.rejectUnknownFields();
        return Optional.of(new TlsSettings(cert, key));
    }

    private static Path readableFile(ConfigNode node) throws ConfigException {
        if (!node.isPresent()) {
            throw node.error("required when tls is configured");
        }
        Path path;
        try {
            path = Path.of(node.text());
        } catch (InvalidPathException e) {
            throw node.error("invalid path: " + e.getMessage());
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw node.error("file not found or not readable: " + path);
        }
        return path;
    }

    private static List<String> trustedProxies(ConfigNode node) throws ConfigException {
        if (!node.isPresent()) {
            return ServerSettings.DEFAULT_TRUSTED_PROXIES;
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode element : node.elements()) {
            String value = element.text().trim();
            if (!NetworkLiterals.isAddressOrCidr(value)) {
                throw element.error("must be an IP address or CIDR block, got '" + value + "'");
            }
            out.add(value);
        }
        return out;
    }
}
