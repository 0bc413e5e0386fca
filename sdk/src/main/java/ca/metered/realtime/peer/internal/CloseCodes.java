package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.internal.ReconnectPolicy;
import ca.metered.realtime.protocol.CloseCode;
import java.util.Locale;

/**
 * How MeteredPeer reports a close that ends (or prevents) its session (docs/sdk-behaviour.md 6.1, JS
 * {@code isFatalCloseCode}/{@code closeCodeName}): the client's terminal codes (4001, 4003, 4012,
 * 4020) plus 4002, which the client retries but which is fatal once no retry is left. The error's
 * code is the protocol name of the close code in snake case. Stateless.
 */
final class CloseCodes {
    private CloseCodes() {
    }

    static boolean isFatal(int code) {
        return ReconnectPolicy.isTerminal(code) || code == CloseCode.TOKEN_EXPIRED.code();
    }

    /** {@code invalid_token}, {@code token_expired}, {@code channel_not_authorized}, {@code account_suspended}, {@code admin_disconnect}; else {@code close_<n>}. */
    static String name(int code) {
        return isFatal(code)
                ? CloseCode.of(code).map(c -> c.name().toLowerCase(Locale.ROOT)).orElseThrow()
                : "close_" + code;
    }

    static RealtimeException error(int code, String reason) {
        return new RealtimeException(name(code), "connection closed terminally (code " + code + ")"
                + (reason != null && !reason.isEmpty() ? ": " + reason : ""));
    }
}
