package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ServerRequestException;
import ca.metered.realtime.client.SignallingException;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.protocol.frame.ClientFrame;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * In-band token refresh (docs/protocol.md 9): before the connection's token expires, asks the token
 * provider for a fresh one and sends it in a {@code refresh} frame; the ack's {@code expiresAt} arms
 * the next round. A refused token (or a server that does not know the frame) makes the client
 * reconnect at once, with a token from the provider; a failing provider changes nothing (the server
 * closes with 4002 at {@code exp} and the client reconnects as usual).
 *
 * <p>Times are the server's: {@code expiresAt - serverTime} of the welcome is the token's remaining
 * life, measured from the welcome on the client's monotonic clock, so a skewed local clock does not
 * matter. Loop-confined.
 */
final class TokenRefresher {
    static final long MIN_LEAD_MS = 5_000;

    /** What the refresher needs from its client; called on the loop. */
    interface Host {
        /** Whether {@code connection} is still the attached one. */
        boolean isLive(Connection connection);

        void sendWithAck(java.util.function.Function<String, ClientFrame> frame, PendingAcks.Ack ack);

        /** The server refused the refresh: drop {@code connection} so that the client reconnects. */
        void reconnect(Connection connection, String reason);

        void log(String level, String message, Map<String, Object> context);
    }

    private final TokenProvider provider;
    private final long providerTimeoutMs;
    private final Executor loop;
    private final LoopTimers timers;
    private final Host host;
    private LoopTimers.Timer timer;
    private long serverBaseMs;
    private long localBaseMs;

    TokenRefresher(TokenProvider provider, long providerTimeoutMs, Executor loop, LoopTimers timers, Host host) {
        this.provider = provider;
        this.providerTimeoutMs = providerTimeoutMs;
        this.loop = loop;
        this.timers = timers;
        this.host = host;
    }

    /** When to refresh a token with {@code remainingMs} to live: at 80 % of it, at least 5 s before the end. */
    static long delayMs(long remainingMs) {
        return Math.max(0, remainingMs - Math.max(MIN_LEAD_MS, remainingMs / 5));
    }

    /** A welcome on {@code connection}: arms the first refresh ({@code expiresAt == null}: a key, nothing to do). */
    void welcomed(Connection connection, long serverTimeSeconds, Long expiresAtSeconds) {
        cancel();
        if (expiresAtSeconds == null) {
            return;
        }
        serverBaseMs = serverTimeSeconds * 1000;
        localBaseMs = timers.nowMs();
        arm(connection, expiresAtSeconds);
    }

    void cancel() {
        LoopTimers.cancel(timer);
        timer = null;
    }

    private void arm(Connection connection, long expiresAtSeconds) {
        long serverNowMs = serverBaseMs + (timers.nowMs() - localBaseMs);
        long delay = delayMs(expiresAtSeconds * 1000 - serverNowMs);
        timer = timers.schedule(delay, () -> {
            timer = null;
            refresh(connection);
        });
    }

    private void refresh(Connection connection) {
        if (!host.isLive(connection)) {
            return;
        }
        CompletionStage<String> stage;
        try {
            stage = provider.token();
            if (stage == null) {
                throw new NullPointerException("tokenProvider returned a null stage");
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.toCompletableFuture().orTimeout(providerTimeoutMs, TimeUnit.MILLISECONDS)
                .whenComplete((token, err) -> loop.execute(() -> {
                    if (!host.isLive(connection)) {
                        return;
                    }
                    if (err != null || token == null || token.isEmpty()) {
                        host.log("warn", "token provider failed during refresh; the connection will reconnect at exp",
                                Map.of("err", String.valueOf(err)));
                        return;
                    }
                    send(connection, token);
                }));
    }

    private void send(Connection connection, String token) {
        host.sendWithAck(rid -> new ClientFrame.Refresh(token, rid), new PendingAcks.Ack() {
            @Override
            public void done(SignallingException err) {
                if (err instanceof ServerRequestException refused && host.isLive(connection)) {
                    host.log("warn", "server refused the token refresh; reconnecting", Map.of("code", refused.code()));
                    host.reconnect(connection, "token refresh refused");
                }
                // Otherwise the connection is going away anyway; its successor refreshes on its own.
            }

            @Override
            public void acked(Reply reply) {
                if (!host.isLive(connection)) {
                    return;
                }
                if (reply.expiresAt() == null) {
                    host.log("warn", "refresh ack without expiresAt; reconnecting", Map.of());
                    host.reconnect(connection, "token refresh not understood");
                    return;
                }
                host.log("debug", "token refreshed", Map.of("expiresAt", reply.expiresAt()));
                arm(connection, reply.expiresAt());
            }
        });
    }
}
