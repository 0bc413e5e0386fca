package ca.metered.realtime.client;

import ca.metered.realtime.client.transport.JdkWebSocketTransport;
import ca.metered.realtime.client.transport.WebSocketTransport;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Configuration of a {@link SignallingClient}. Immutable and thread-safe; built and validated by
 * {@link Builder#build()}, so a misconfiguration fails where it is written, not mid-connect.
 * {@link #toString()} never shows the credential.
 */
public final class SignallingClientOptions {
    /** The hosted service; override with {@link Builder#url(String)} for a self-hosted server. */
    public static final String DEFAULT_URL = "wss://rms.metered.ca";
    public static final int DEFAULT_EVENT_STREAM_CAPACITY = 4096;

    private final String apiKey;
    private final TokenProvider tokenProvider;
    private final URI baseUrl;
    private final Logger logger;
    private final ReconnectOptions reconnect;
    private final Duration inactivityTimeout;
    private final Duration tokenProviderTimeout;
    private final boolean autoResubscribe;
    private final boolean recovery;
    private final boolean tokenRefresh;
    private final WebSocketTransport transport;
    private final Executor callbackExecutor;
    private final int eventStreamCapacity;

    private SignallingClientOptions(Builder b, URI baseUrl) {
        this.apiKey = b.apiKey;
        this.tokenProvider = b.tokenProvider;
        this.baseUrl = baseUrl;
        this.logger = b.logger;
        this.reconnect = b.reconnect;
        this.inactivityTimeout = b.inactivityTimeout;
        this.tokenProviderTimeout = b.tokenProviderTimeout;
        this.autoResubscribe = b.autoResubscribe;
        this.recovery = b.recovery;
        this.tokenRefresh = b.tokenRefresh;
        this.transport = b.transport != null ? b.transport : JdkWebSocketTransport.shared();
        this.callbackExecutor = b.callbackExecutor;
        this.eventStreamCapacity = b.eventStreamCapacity;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The publishable key, if this client authenticates with one. */
    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    public Optional<TokenProvider> tokenProvider() {
        return Optional.ofNullable(tokenProvider);
    }

    /** The validated origin, e.g. {@code wss://rms.example.com:8443}; {@code /v1} is appended when connecting. */
    public URI url() {
        return baseUrl;
    }

    public Logger logger() {
        return logger;
    }

    /** Empty when automatic reconnect is disabled. */
    public Optional<ReconnectOptions> reconnect() {
        return Optional.ofNullable(reconnect);
    }

    /** {@link Duration#ZERO} means the inactivity watchdog and the keepalive ping are disabled. */
    public Duration inactivityTimeout() {
        return inactivityTimeout;
    }

    public Duration tokenProviderTimeout() {
        return tokenProviderTimeout;
    }

    public boolean autoResubscribe() {
        return autoResubscribe;
    }

    /** Whether exact channels are subscribed with recovery (docs/protocol.md 9); see {@link Builder#recovery}. */
    public boolean recovery() {
        return recovery;
    }

    /** Whether a token-provider client refreshes its token in-band before {@code exp}; see {@link Builder#tokenRefresh}. */
    public boolean tokenRefresh() {
        return tokenRefresh;
    }

    public WebSocketTransport transport() {
        return transport;
    }

    /** The user-supplied callback executor, or empty for the SDK's shared pool. */
    public Optional<Executor> callbackExecutor() {
        return Optional.ofNullable(callbackExecutor);
    }

    public int eventStreamCapacity() {
        return eventStreamCapacity;
    }

    @Override
    public String toString() {
        return "SignallingClientOptions[credential=" + (apiKey != null ? "apiKey(***)" : "tokenProvider")
                + ", url=" + baseUrl + ", reconnect=" + (reconnect == null ? "disabled" : reconnect)
                + ", inactivityTimeout=" + inactivityTimeout + ", tokenProviderTimeout=" + tokenProviderTimeout
                + ", autoResubscribe=" + autoResubscribe + ", recovery=" + recovery + ", tokenRefresh=" + tokenRefresh
                + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private String apiKey;
        private TokenProvider tokenProvider;
        private String url = DEFAULT_URL;
        private Logger logger = Logger.noop();
        private ReconnectOptions reconnect = ReconnectOptions.defaults();
        private Duration inactivityTimeout = Duration.ofSeconds(60);
        private Duration tokenProviderTimeout = Duration.ofSeconds(10);
        private boolean autoResubscribe = true;
        private boolean recovery;
        private boolean tokenRefresh = true;
        private WebSocketTransport transport;
        private Executor callbackExecutor;
        private int eventStreamCapacity = DEFAULT_EVENT_STREAM_CAPACITY;

        private Builder() {
        }

        /** A publishable key ({@code pk_…}). Exactly one of this and a token provider. */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /** Supplies a JWT for the first connect and every reconnect. Exactly one of this and {@link #apiKey}. */
        public Builder tokenProvider(TokenProvider tokenProvider) {
            this.tokenProvider = Objects.requireNonNull(tokenProvider, "tokenProvider");
            return this;
        }

        /**
         * Server origin: {@code wss://host[:port]}, or {@code ws://} for localhost, 127.0.0.1 and
         * ::1 only (the credential travels in the URL). No path, query, fragment or user info.
         */
        public Builder url(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        public Builder logger(Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        public Builder reconnect(ReconnectOptions reconnect) {
            this.reconnect = Objects.requireNonNull(reconnect, "reconnect");
            return this;
        }

        /** One connection attempt per {@code connect()}; a drop ends in {@code closed}. */
        public Builder reconnectDisabled() {
            this.reconnect = null;
            return this;
        }

        /**
         * Close and reconnect (code 4000) when no frame arrives for this long; a keepalive
         * {@code ping} is sent every {@code max(1 s, timeout / 3)} of silence. {@link Duration#ZERO}
         * disables both. Default 60 s.
         */
        public Builder inactivityTimeout(Duration inactivityTimeout) {
            this.inactivityTimeout = Objects.requireNonNull(inactivityTimeout, "inactivityTimeout");
            return this;
        }

        /** Cap on one token provider call; &gt; 0. Default 10 s. */
        public Builder tokenProviderTimeout(Duration tokenProviderTimeout) {
            this.tokenProviderTimeout = Objects.requireNonNull(tokenProviderTimeout, "tokenProviderTimeout");
            return this;
        }

        /** Re-subscribe every tracked channel after a reconnect. Default {@code true}. */
        public Builder autoResubscribe(boolean autoResubscribe) {
            this.autoResubscribe = autoResubscribe;
            return this;
        }

        /**
         * An rms extension (docs/protocol.md 9, docs/history.md): track the position of every message
         * of each subscribed channel (exact names, not patterns) and subscribe naming the last one —
         * after every reconnect, after a {@code resubscribe} hint, and when a gap shows up — so that
         * on channels with history each message reaches you exactly once and in order, or a
         * {@link ClientEvent.Recovery} with {@code recovered == false} says that some were lost.
         * Against a server without the extension the frames still carry {@code recover} and
         * nothing else changes. Default {@code false}.
         */
        public Builder recovery(boolean recovery) {
            this.recovery = recovery;
            return this;
        }

        /**
         * With a token provider: before the token's {@code exp} (at 80 % of its remaining life
         * after the welcome, at least 5 s before), ask the provider for a fresh token and send it
         * in a {@code refresh} frame (an rms extension, docs/protocol.md 9), so the connection lives on
         * without a reconnect. If the provider fails the connection runs to its 4002 close and
         * reconnects as usual; if the server refuses the token (or does not know the frame), the
         * client reconnects at once with a token from the provider. Default {@code true}.
         */
        public Builder tokenRefresh(boolean tokenRefresh) {
            this.tokenRefresh = tokenRefresh;
            return this;
        }

        /** The WebSocket implementation; default {@link JdkWebSocketTransport#shared()}. */
        public Builder transport(WebSocketTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Runs listeners and future completions. The client delivers to it one task at a time, in
         * order, so even a multi-threaded executor sees events sequentially per client. Default: a
         * shared daemon pool.
         */
        public Builder callbackExecutor(Executor callbackExecutor) {
            this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
            return this;
        }

        /** Default capacity of {@link SignallingClient#events(Class)} streams; ≥ 1. Default 4096. */
        public Builder eventStreamCapacity(int eventStreamCapacity) {
            this.eventStreamCapacity = eventStreamCapacity;
            return this;
        }

        public SignallingClientOptions build() {
            if (apiKey != null && tokenProvider != null) {
                throw new IllegalArgumentException("pass exactly one of apiKey or tokenProvider, not both");
            }
            if (apiKey == null && tokenProvider == null) {
                throw new IllegalArgumentException("one of apiKey or tokenProvider is required");
            }
            if (apiKey != null && apiKey.isEmpty()) {
                throw new IllegalArgumentException("apiKey must not be empty");
            }
            if (inactivityTimeout.isNegative()) {
                throw new IllegalArgumentException(
                        "inactivityTimeout must be >= 0 (zero disables the watchdog), got " + inactivityTimeout);
            }
            if (tokenProviderTimeout.isNegative() || tokenProviderTimeout.isZero()) {
                throw new IllegalArgumentException("tokenProviderTimeout must be > 0, got " + tokenProviderTimeout);
            }
            if (eventStreamCapacity < 1) {
                throw new IllegalArgumentException("eventStreamCapacity must be >= 1, got " + eventStreamCapacity);
            }
            return new SignallingClientOptions(this, validateUrl(url));
        }

        static URI validateUrl(String url) {
            URI u;
            try {
                u = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("invalid url '" + url + "': not a parseable URL");
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            String host = u.getHost();
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("invalid url '" + url + "': no host");
            }
            boolean local = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                    || host.equals("::1");
            if (scheme.equals("ws")) {
                if (!local) {
                    throw new IllegalArgumentException("insecure 'ws:' is only allowed for localhost - got '" + url
                            + "'. Use 'wss:'; the credential travels in the URL query string.");
                }
            } else if (!scheme.equals("wss")) {
                throw new IllegalArgumentException("url scheme must be 'wss' (or 'ws' for localhost), got '" + url + "'");
            }
            if (u.getRawUserInfo() != null) {
                throw new IllegalArgumentException("url must not include user info");
            }
            if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
                throw new IllegalArgumentException("url must not include a path - got '" + u.getRawPath()
                        + "'. The SDK appends '/v1' itself.");
            }
            if (u.getRawQuery() != null || u.getRawFragment() != null) {
                throw new IllegalArgumentException("url must not include a query or fragment - got '" + url + "'");
            }
            return URI.create(scheme + "://" + host + (u.getPort() == -1 ? "" : ":" + u.getPort()));
        }
    }
}
