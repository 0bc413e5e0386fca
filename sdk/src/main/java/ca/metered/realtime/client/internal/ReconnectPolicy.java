package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ReconnectOptions;
import ca.metered.realtime.protocol.CloseCode;

/**
 * The reconnect rules of docs/sdk-behaviour.md 7.3 as pure functions of their inputs: whether a drop (or a failed
 * token fetch) is followed by another attempt, and after how long. Holds no state of its own, so
 * the client keeps the attempt counter and this class can be tested without a clock.
 *
 * <p>Delay before attempt {@code n}: {@code min(initialDelay · multiplier^(n-1), maxDelay)}, lifted to
 * 30 s when the previous close was 4010, then moved by {@code ± jitterRatio}, floored to whole ms
 * and ≥ 0. The jitter applies after the 30 s floor, exactly as JS 1.2.0 does
 * ({@code computeReconnectDelay}), so a 4010 delay lies in 24–36 s with the default jitter.
 *
 * <p>Immutable; thread-safe.
 */
public final class ReconnectPolicy {
    /** Base delay after close code 4010 (over concurrent limit), before jitter. */
    public static final long SLOW_FLOOR_MS = 30_000;

    /** What follows a failed attempt or a drop. */
    public sealed interface Decision permits Retry, Stop {
    }

    /** Try again after {@code delayMs}; {@code attempt} is the 1-based number of that attempt. */
    public record Retry(int attempt, long delayMs) implements Decision {
    }

    /** No further attempt. */
    public record Stop(StopReason reason) implements Decision {
    }

    public enum StopReason {
        /** {@code close()} was called. */
        CLOSED_BY_USER,
        /** Automatic reconnect is off ({@code reconnectDisabled()}). */
        DISABLED,
        /** The first connect after {@code connect()} never got a welcome: it reports, it does not retry. */
        NEVER_CONNECTED,
        /** A close code the protocol says not to retry: 4001, 4003, 4012, 4020. */
        TERMINAL_CODE,
        /** {@code maxAttempts} consecutive attempts failed. */
        ATTEMPTS_EXHAUSTED
    }

    private final ReconnectOptions options; // null: disabled

    private ReconnectPolicy(ReconnectOptions options) {
        this.options = options;
    }

    public static ReconnectPolicy of(ReconnectOptions options) {
        return new ReconnectPolicy(options);
    }

    public static ReconnectPolicy disabled() {
        return new ReconnectPolicy(null);
    }

    /**
     * Decides what follows a failure.
     *
     * @param closeCode      the close code, or {@code null} when the token provider failed
     * @param failedAttempts reconnect attempts already made since the last welcome
     * @param everConnected  whether this {@code connect()} got a welcome at some point
     * @param closedByUser   whether {@code close()} was called
     * @param slowFloor      whether the last close was 4010 (the floor applies to this delay only)
     * @param random         a uniform draw in [0, 1) for the jitter
     */
    public Decision next(Integer closeCode, int failedAttempts, boolean everConnected, boolean closedByUser,
                         boolean slowFloor, double random) {
        if (closedByUser) {
            return new Stop(StopReason.CLOSED_BY_USER);
        }
        if (options == null) {
            return new Stop(StopReason.DISABLED);
        }
        if (!everConnected) {
            return new Stop(StopReason.NEVER_CONNECTED);
        }
        if (closeCode != null && isTerminal(closeCode)) {
            return new Stop(StopReason.TERMINAL_CODE);
        }
        if (failedAttempts >= options.maxAttempts()) {
            return new Stop(StopReason.ATTEMPTS_EXHAUSTED);
        }
        int attempt = failedAttempts + 1;
        return new Retry(attempt, delayMs(attempt, slowFloor, random));
    }

    /** The delay before 1-based {@code attempt}; {@code random} uniform in [0, 1). */
    public long delayMs(int attempt, boolean slowFloor, double random) {
        int exponent = Math.max(0, attempt - 1);
        double base = Math.min(options.initialDelay().toMillis() * Math.pow(options.multiplier(), exponent),
                options.maxDelay().toMillis());
        double lifted = slowFloor ? Math.max(base, SLOW_FLOOR_MS) : base;
        double delta = lifted * options.jitterRatio() * (random * 2 - 1);
        return Math.max(0, (long) Math.floor(lifted + delta));
    }

    /**
     * Close codes after which the client stops (docs/protocol.md 4: the "stop" rows, 4001, 4003, 4012,
     * 4020). 1000 is the client's own close: received from a server it is retried, as in JS.
     */
    public static boolean isTerminal(int closeCode) {
        return CloseCode.of(closeCode)
                .filter(c -> c != CloseCode.NORMAL && c.reconnect() == CloseCode.Reconnect.NO)
                .isPresent();
    }

    /** Close codes that force the slow (30 s) floor on the next delay: 4010. */
    public static boolean isSlow(int closeCode) {
        return CloseCode.of(closeCode).filter(c -> c.reconnect() == CloseCode.Reconnect.SLOW).isPresent();
    }
}
