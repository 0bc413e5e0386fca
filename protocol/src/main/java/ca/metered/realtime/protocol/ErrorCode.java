package ca.metered.realtime.protocol;

import java.util.Optional;

/**
 * The {@code code} of an {@code error} frame (docs/protocol.md 3). The connection stays open for
 * every one of them. Each constant's Javadoc says who must act and whether a retry can help.
 *
 * <p>Immutable; thread-safe.
 */
public enum ErrorCode {
    /** Not JSON, not an object, no string {@code type}, or a bad field type. Fix the client; never retry as is. */
    MALFORMED_MESSAGE("malformed_message", false),
    /** {@code type} is not a command the server knows. Fix the client. */
    UNKNOWN_TYPE("unknown_type", false),
    /** Channel missing, empty, over 256 bytes, control characters, or a glob where one is not allowed. Fix the name. */
    INVALID_CHANNEL("invalid_channel", false),
    /** {@code send.to} missing or not a valid peerId. Fix the target. */
    INVALID_PEER_ID("invalid_peer_id", false),
    /** {@code publish}/{@code send} without a {@code data} field. Fix the client. */
    MISSING_DATA("missing_data", false),
    /** Channel outside the credential's patterns. Mint a token with a wider scope. */
    CHANNEL_NOT_AUTHORIZED("channel_not_authorized", false),
    /** Channel under {@code _metered/}, {@code _internal/} or {@code _system/}. Use another name. */
    CHANNEL_RESERVED("channel_reserved", false),
    /** The connection already holds the maximum number of subscriptions. Unsubscribe first. */
    CHANNEL_LIMIT_EXCEEDED("channel_limit_exceeded", false),
    /** The credential lacks the action. Mint a token with the permission. */
    ACTION_NOT_PERMITTED("action_not_permitted", false),
    /** {@code send} target is not online anywhere in the app. May succeed later. */
    PEER_NOT_FOUND("peer_not_found", true),
    /** The app's message quota for this period is used up. Retry after the period rolls over. */
    OVER_MESSAGE_QUOTA("over_message_quota", false),
    /** {@code history} for a channel that keeps no history ({@code apps[].history}, docs/protocol.md 9). Configure it. */
    HISTORY_NOT_ENABLED("history_not_enabled", false),
    /**
     * {@code history.since} names another epoch, or a position the channel no longer retains (or
     * has not reached). Reload the channel's state and read from a fresh position (docs/protocol.md 9).
     */
    UNRECOVERABLE_POSITION("unrecoverable_position", false),
    /** {@code refresh} on a connection opened with a publishable key: there is no token to refresh. */
    REFRESH_NOT_ALLOWED("refresh_not_allowed", false),
    /** {@code refresh} with a token that does not verify, or has expired. Mint a valid one. */
    INVALID_TOKEN("invalid_token", false),
    /** {@code refresh} with a token of another app, secret key ({@code kid}) or subject than the connection's. */
    TOKEN_MISMATCH("token_mismatch", false),
    /** {@code refresh} with a token whose channels or permissions differ from the connection's grant. */
    PERMISSIONS_MISMATCH("permissions_mismatch", false),
    /** Transient fault routing the message (e.g. cluster backplane down). Retry with backoff. */
    BACKEND_ERROR("backend_error", true),
    /** Unexpected server fault. Retry with backoff; report if it persists. */
    INTERNAL_ERROR("internal_error", true);

    private final String wireName;
    private final boolean temporary;

    ErrorCode(String wireName, boolean temporary) {
        this.wireName = wireName;
        this.temporary = temporary;
    }

    /** The string carried in {@code error.code}. */
    public String wireName() {
        return wireName;
    }

    /** Whether retrying the same command later can succeed. */
    public boolean temporary() {
        return temporary;
    }

    public static Optional<ErrorCode> fromWireName(String name) {
        for (ErrorCode c : values()) {
            if (c.wireName.equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
