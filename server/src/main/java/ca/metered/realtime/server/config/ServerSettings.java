package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Listener and connection-handling settings (YAML section {@code server}).
 *
 * <p>Immutable; thread-safe.
 *
 * @param host address to bind; default {@code 127.0.0.1}
 * @param port port to bind, 0 for an ephemeral port; default 8080
 * @param tls certificate and key when the server terminates TLS itself
 * @param trustedProxies IPs or CIDR blocks whose {@code X-Forwarded-For} is believed
 *     (docs/protocol.md 5); default the loopback addresses
 * @param connectRatePerIp connection attempts allowed per source IP per window; default 60
 * @param connectRateWindow window of {@code connectRatePerIp}; default 60 s
 * @param pingInterval WebSocket ping period (docs/protocol.md 8); default 30 s
 * @param pingTimeout grace after a ping before closing 1001; default 10 s
 * @param shutdownGrace how long shutdown waits for close frames to flush; default 5 s
 * @param outboundBufferBytes per-connection outbound cap; over it the connection is closed
 *     1008 {@code slow consumer}; default 1 MiB
 * @param eventLoopThreads Netty worker threads, 0 for one per core but one (at least one)
 * @param directMemoryBytes ceiling on outbound bytes held off-heap by Netty for all connections
 *     together; over it the slowest consumers are shed with 1008; 0 for the default (half the
 *     JVM's maximum direct memory, at most 512 MiB)
 * @param presenceWindow how long a channel's presence deltas are gathered into one frame
 *     (docs/protocol.md 2.3); zero sends each at once; default 50 ms
 * @param connections bounds on connections that have not upgraded (timeouts, caps, descriptor
 *     reserve)
 */
public record ServerSettings(
        String host,
        int port,
        Optional<TlsSettings> tls,
        List<String> trustedProxies,
        int connectRatePerIp,
        Duration connectRateWindow,
        Duration pingInterval,
        Duration pingTimeout,
        Duration shutdownGrace,
        int outboundBufferBytes,
        int eventLoopThreads,
        long directMemoryBytes,
        Duration presenceWindow,
        ConnectionLimits connections) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final List<String> DEFAULT_TRUSTED_PROXIES = List.of("127.0.0.1", "::1");
    public static final int DEFAULT_CONNECT_RATE_PER_IP = 60;
    public static final Duration DEFAULT_CONNECT_RATE_WINDOW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_OUTBOUND_BUFFER_BYTES = 1 << 20;
    public static final Duration DEFAULT_PRESENCE_WINDOW = Duration.ofMillis(50);
    /** The smallest {@code directMemoryBytes}: a few frames in flight. */
    public static final long MIN_DIRECT_MEMORY_BYTES = 64 * 1024;
    /** The default {@code directMemoryBytes} never exceeds this. */
    public static final long MAX_DEFAULT_DIRECT_MEMORY_BYTES = 512L << 20;

    /** {@code directMemoryBytes}, or the default for a JVM whose maximum direct memory is {@code jvmMaxDirect}. */
    public long directMemoryCeiling(long jvmMaxDirect) {
        return directMemoryBytes > 0 ? directMemoryBytes
                : Math.max(MIN_DIRECT_MEMORY_BYTES, Math.min(MAX_DEFAULT_DIRECT_MEMORY_BYTES, jvmMaxDirect / 2));
    }

    public ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tls, "tls");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(connectRateWindow, "connectRateWindow");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pingTimeout, "pingTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(presenceWindow, "presenceWindow");
        Objects.requireNonNull(connections, "connections");
    }

    /** Every setting at its default. Handy for tests and embedding. */
    public static ServerSettings defaults() {
        return new ServerSettings(DEFAULT_HOST, DEFAULT_PORT, Optional.empty(),
                DEFAULT_TRUSTED_PROXIES, DEFAULT_CONNECT_RATE_PER_IP, DEFAULT_CONNECT_RATE_WINDOW,
                DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, DEFAULT_SHUTDOWN_GRACE,
                DEFAULT_OUTBOUND_BUFFER_BYTES, 0, 0, DEFAULT_PRESENCE_WINDOW, ConnectionLimits.defaults());
    }

    /** The same settings listening on {@code newPort}. */
    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, tls, trustedProxies, connectRatePerIp, connectRateWindow,
                pingInterval, pingTimeout, shutdownGrace, outboundBufferBytes, eventLoopThreads, directMemoryBytes, presenceWindow,
                connections);
    }
}
