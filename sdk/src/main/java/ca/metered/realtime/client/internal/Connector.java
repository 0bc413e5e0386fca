package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.SignallingConnectException;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.client.TokenProviderException;
import ca.metered.realtime.client.transport.WebSocketConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Carries a connection {@link Attempt} through its first two phases: the credential (the API key,
 * or the token provider with its timeout and consecutive-failure count, docs/sdk-behaviour.md 7.3 and 9), then
 * the socket with its welcome timeout (10 s). It reports to its {@link Listener} and never touches
 * the client's state. Loop-confined.
 */
final class Connector {
    static final long WELCOME_TIMEOUT_MS = 10_000;
    static final int TOKEN_FAILURE_EVENT_THRESHOLD = 3;

    /** What happens to attempts; called on the loop. */
    interface Listener {
        /** Whether {@code attempt} is still the one the client waits for. */
        boolean isCurrent(Attempt attempt);

        /**
         * The credential could not be obtained.
         *
         * @param consecutiveFailures failures in a row, counting this one
         */
        void credentialFailed(Attempt attempt, TokenProviderException error, int consecutiveFailures);

        /** No welcome within 10 s; the socket is being closed with 4000. */
        void welcomeTimedOut(Attempt attempt, SignallingConnectException error);
    }

    private final SignallingClientOptions options;
    private final Executor loop;
    private final LoopTimers timers;
    private final Logger log;
    private final Listener listener;
    private final Connection.Handler connectionHandler;
    private int consecutiveTokenFailures;

    /** Debug logging, scrubbed. */
    @FunctionalInterface
    interface Logger {
        void log(String level, String message, Map<String, Object> context);
    }

    Connector(SignallingClientOptions options, Executor loop, LoopTimers timers, Logger log, Listener listener,
              Connection.Handler connectionHandler) {
        this.options = options;
        this.loop = loop;
        this.timers = timers;
        this.log = log;
        this.listener = listener;
        this.connectionHandler = connectionHandler;
    }

    /** Starts {@code attempt}: credential first, then (if still current) the socket. */
    void start(Attempt attempt) {
        if (options.apiKey().isPresent()) {
            openSocket(attempt, "key", options.apiKey().get());
            return;
        }
        TokenProvider provider = options.tokenProvider().orElseThrow();
        long timeoutMs = options.tokenProviderTimeout().toMillis();
        boolean[] settled = {false};
        LoopTimers.Timer timer = timers.schedule(timeoutMs, () -> {
            if (!settled[0]) {
                settled[0] = true;
                tokenFailed(attempt, TokenProviderException.timeout(timeoutMs));
            }
        });
        CompletionStage<String> stage;
        try {
            stage = provider.token();
            if (stage == null) {
                throw new NullPointerException("tokenProvider returned a null stage");
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((token, err) -> loop.execute(() -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            timer.cancel();
            if (err != null || token == null || token.isEmpty()) {
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                tokenFailed(attempt, TokenProviderException.failed(cause));
                return;
            }
            consecutiveTokenFailures = 0;
            openSocket(attempt, "token", token);
        }));
    }

    private void tokenFailed(Attempt attempt, TokenProviderException error) {
        consecutiveTokenFailures++;
        listener.credentialFailed(attempt, error, consecutiveTokenFailures);
    }

    private void openSocket(Attempt attempt, String param, String credential) {
        if (!listener.isCurrent(attempt) || attempt.phase != Attempt.Phase.CREDENTIAL) {
            log.log("debug", "open aborted: the attempt was superseded or closed during credential resolution",
                    Map.of());
            return;
        }
        URI uri = URI.create(options.url() + "/v1?" + param + "=" + URLEncoder.encode(credential, StandardCharsets.UTF_8));
        log.log("debug", "opening socket", Map.of("url", Scrub.credentials(uri.toString()), "attempt", attempt.number));
        Connection conn = new Connection(loop, connectionHandler, timers);
        attempt.connection = conn;
        attempt.phase = Attempt.Phase.OPENING;
        attempt.welcomeTimer = timers.schedule(WELCOME_TIMEOUT_MS, () -> {
            attempt.welcomeTimer = null;
            if (attempt.phase == Attempt.Phase.OPENING && listener.isCurrent(attempt)) {
                listener.welcomeTimedOut(attempt, SignallingConnectException.welcomeTimeout(WELCOME_TIMEOUT_MS));
                conn.socket.close(4000, "welcome timeout");
            }
        });
        try {
            conn.socket = options.transport().connect(uri, conn);
        } catch (RuntimeException e) {
            log.log("warn", "websocket construction failed", Map.of("err", Scrub.credentials(String.valueOf(e))));
            conn.socket = NoSocket.INSTANCE;
            // Through the shared close path, so retry-or-stop follows the normal policy.
            connectionHandler.closed(conn, 1006, "websocket construction failed");
        }
    }

    /** Stands in for a socket the transport failed to create. */
    private enum NoSocket implements WebSocketConnection {
        INSTANCE;

        @Override
        public boolean send(String text) {
            return false;
        }

        @Override
        public void close(int code, String reason) {
        }
    }
}
