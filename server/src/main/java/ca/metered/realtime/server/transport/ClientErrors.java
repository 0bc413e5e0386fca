package ca.metered.realtime.server.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of client mistakes: malformed requests, bad upgrades, corrupt frames, resets,
 * connections refused by the pending caps. A mistake costs one DEBUG line (at most one per
 * connection, never a stack trace) on this class's logger, and every minute a single WARN line
 * sums them up, so a flood of bad input cannot flood the log (docs/security.md).
 *
 * <p>Thread-safe: any event loop records; {@link #flushSummary} runs on one scheduler thread.
 */
public final class ClientErrors {
    private static final Logger log = LoggerFactory.getLogger(ClientErrors.class);
    private static final AttributeKey<Boolean> LOGGED = AttributeKey.valueOf(ClientErrors.class, "logged");
    private static final int MAX_DETAIL = 200;
    private static final java.util.regex.Pattern CREDENTIAL =
            java.util.regex.Pattern.compile("(?i)\\b(key|token)=[^&\\s\"']*");

    /** What went wrong, for the per-minute summary. */
    public enum Kind {
        MALFORMED_REQUEST("malformed request"),
        BAD_UPGRADE("bad upgrade"),
        PROTOCOL_VIOLATION("WebSocket protocol violation"),
        RESET("reset or abrupt close"),
        TLS("failed TLS handshake"),
        REQUEST_TIMEOUT("incomplete request timed out"),
        PENDING_LIMIT("refused or evicted by the pending-connection caps");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Map<Kind, Integer> counts = new TreeMap<>();

    /**
     * Records one mistake on {@code channel}: counted always, logged at DEBUG the first time for
     * this connection only.
     */
    public void record(Channel channel, Kind kind, String detail) {
        synchronized (counts) {
            counts.merge(kind, 1, Integer::sum);
        }
        if (log.isDebugEnabled() && (channel == null || channel.attr(LOGGED).setIfAbsent(Boolean.TRUE) == null)) {
            log.debug("client error from {}: {}: {}", channel == null ? "?" : channel.remoteAddress(), kind.label,
                    oneLine(detail));
        }
    }

    /** Records {@code cause} if it is a client mistake; returns whether it was. */
    public boolean recordIfClientError(Channel channel, Throwable cause) {
        Kind kind = kindOf(cause);
        if (kind == null) {
            return false;
        }
        record(channel, kind, cause.getClass().getSimpleName() + ": " + cause.getMessage());
        return true;
    }

    /**
     * What a failure says about the client, or {@code null} when it is not the client's doing
     * (a bug of ours, which deserves its stack trace).
     */
    static Kind kindOf(Throwable cause) {
        if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            return Kind.TLS; // not TLS at all, a protocol or cipher mismatch, a bad record
        }
        if (cause instanceof IOException) {
            // resets, broken pipes, TLS records that are not TLS: the peer's doing
            return Kind.RESET;
        }
        if (cause instanceof PrematureChannelClosureException) {
            return Kind.MALFORMED_REQUEST; // closed in the middle of a request (truncated body)
        }
        if (cause instanceof WebSocketHandshakeException) {
            return Kind.BAD_UPGRADE;
        }
        if (cause instanceof CorruptedFrameException || cause instanceof TooLongFrameException) {
            return Kind.PROTOCOL_VIOLATION;
        }
        if (cause instanceof DecoderException) {
            // Netty's decoders wrap what they could not parse; a wrapped IOException is a reset
            return cause.getCause() instanceof IOException ? Kind.RESET : Kind.MALFORMED_REQUEST;
        }
        return null;
    }

    /** Logs the mistakes counted since the last call as one WARN line, if there were any. */
    public void flushSummary() {
        Map<Kind, Integer> snapshot;
        synchronized (counts) {
            if (counts.isEmpty()) {
                return;
            }
            snapshot = new TreeMap<>(counts);
            counts.clear();
        }
        int total = snapshot.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder parts = new StringBuilder();
        snapshot.forEach((kind, n) -> parts.append(parts.length() == 0 ? "" : ", ").append(n).append(' ').append(kind.label));
        log.warn("{} client protocol errors in the last minute ({}); one line each at DEBUG on logger {}",
                total, parts, ClientErrors.class.getName());
    }

    /**
     * At most {@link #MAX_DETAIL} characters, control characters (CR, LF, ESC…) replaced and
     * credential parameters blanked: the text may be the client's, echoed by a decoder.
     */
    static String oneLine(String s) {
        String text = CREDENTIAL.matcher(String.valueOf(s)).replaceAll("$1=…");
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_DETAIL + 1));
        for (int i = 0; i < text.length() && i < MAX_DETAIL; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return text.length() <= MAX_DETAIL ? out.toString() : out + "…";
    }
}
