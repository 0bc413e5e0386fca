package ca.metered.realtime.protocol;

import java.util.Optional;

/**
 * WebSocket close codes of the protocol (docs/protocol.md 4), grouped by what the client should do.
 *
 * <p>Immutable; thread-safe.
 */
public enum CloseCode {
    /** The client asked to close. */
    NORMAL(1000, Reconnect.NO),
    /** Server shutdown after {@code going_away}, or a server ping went unanswered. Reconnect. */
    GOING_AWAY(1001, Reconnect.YES),
    /** Generic protocol violation; also a slow consumer (reason {@code slow consumer}). */
    POLICY_VIOLATION(1008, Reconnect.YES),
    /** Inbound frame over {@code maxMessageSize} + 1 KiB. Split payloads. */
    MESSAGE_TOO_BIG(1009, Reconnect.YES),
    /** Sent by clients when their inactivity watchdog fires; never by the server. */
    CLIENT_INACTIVITY(4000, Reconnect.YES),
    /** Bad signature, malformed JWT, unknown {@code kid} or key, bad claims. Stop. */
    INVALID_TOKEN(4001, Reconnect.NO),
    /** JWT {@code exp} reached (the server closes ~250 ms early). Reconnect with a fresh token. */
    TOKEN_EXPIRED(4002, Reconnect.YES),
    /** Documented by the hosted service; this server answers {@code channel_not_authorized} instead. */
    CHANNEL_NOT_AUTHORIZED(4003, Reconnect.NO),
    /** The app's concurrent-connection limit is reached. Back off at least 30 s. */
    OVER_CONCURRENT_LIMIT(4010, Reconnect.SLOW),
    /** The connection's message-rate bucket ran dry. Throttle, then reconnect. */
    OVER_MESSAGE_RATE(4011, Reconnect.YES),
    /** The app is disabled in configuration. Stop. */
    ACCOUNT_SUSPENDED(4012, Reconnect.NO),
    /** REST {@code DELETE /v1/peers/:peerId}. Stop, or re-authenticate. */
    ADMIN_DISCONNECT(4020, Reconnect.NO);

    /** Whether a client should reconnect after this close. */
    public enum Reconnect { YES, NO, SLOW }

    private final int code;
    private final Reconnect reconnect;

    CloseCode(int code, Reconnect reconnect) {
        this.code = code;
        this.reconnect = reconnect;
    }

    public int code() {
        return code;
    }

    public Reconnect reconnect() {
        return reconnect;
    }

    public static Optional<CloseCode> of(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
