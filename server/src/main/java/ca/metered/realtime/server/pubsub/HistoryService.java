package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.protocol.frame.StreamPosition;
import ca.metered.realtime.server.auth.Authorizer;
import ca.metered.realtime.server.auth.Authorizer.SubscribeDecision;
import ca.metered.realtime.server.auth.Permissions;
import ca.metered.realtime.server.auth.Refusal;
import ca.metered.realtime.server.config.HistoryConfig;
import ca.metered.realtime.server.config.LiveConfig;
import ca.metered.realtime.server.history.HistoryQuery;
import ca.metered.realtime.server.history.HistoryRead;
import ca.metered.realtime.server.history.HistoryStore;
import ca.metered.realtime.server.history.Retention;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a channel's history for a client (docs/protocol.md 9): the {@code history} command and REST
 * {@code GET /v1/channels/:channel/history}. Permission-checked as a subscribe to the channel
 * is; answers at most {@code limit} messages (default {@value #DEFAULT_LIMIT}, never more than
 * the channel keeps) and at most a byte budget the caller gives.
 *
 * <p>Thread-safe. Stages complete on the store's thread.
 */
public final class HistoryService {
    private static final Logger log = LoggerFactory.getLogger(HistoryService.class);
    /** Messages answered when the request gives no {@code limit}. */
    public static final int DEFAULT_LIMIT = 100;
    private static final Refusal NEEDS_A_CHANNEL = new Refusal(ErrorCode.INVALID_CHANNEL,
            "history needs a concrete channel, not a wildcard pattern");

    private final HistoryStore history;
    private final Authorizer authorizer;
    private final LiveConfig config;

    public HistoryService(HistoryStore history, Authorizer authorizer, LiveConfig config) {
        this.history = history;
        this.authorizer = authorizer;
        this.config = config;
    }

    /**
     * The newest {@code limit} messages of a channel, or the oldest {@code limit} after
     * {@code since}, oldest first, cut to {@code maxBytes} (at least one message always fits).
     *
     * @param limit    {@code null} for the default
     * @param since    {@code null} for the newest
     * @param maxBytes the byte budget of the answer
     */
    public CompletionStage<Outcome<HistoryRead.Page>> read(Permissions p, String appId, String channel, Integer limit,
                                                          StreamPosition since, long maxBytes) {
        SubscribeDecision decision = authorizer.subscribe(p, channel);
        if (decision instanceof SubscribeDecision.Denied denied) {
            return done(Outcome.refused(denied.refusal()));
        }
        if (decision instanceof SubscribeDecision.Wildcard) {
            return done(Outcome.refused(NEEDS_A_CHANNEL));
        }
        Optional<HistoryConfig> kept = config.history(appId, channel);
        if (kept.isEmpty()) {
            return done(Outcome.refused(ErrorCode.HISTORY_NOT_ENABLED,
                    "channel '" + channel + "' keeps no history (apps[].history in the server's configuration)"));
        }
        Retention retention = Retention.of(kept.get());
        int n = Math.min(limit == null ? DEFAULT_LIMIT : limit, retention.size());
        return history.read(appId, channel, retention, new HistoryQuery(since, n, maxBytes)).handle((read, err) -> {
            if (err != null) {
                log.warn("history store unavailable for app {}: {}", appId, err.toString());
                return Outcome.refused(Memberships.BACKEND_ERROR);
            }
            if (read instanceof HistoryRead.Unavailable u) {
                return Outcome.refused(ErrorCode.UNRECOVERABLE_POSITION, unavailable(u));
            }
            return Outcome.done((HistoryRead.Page) read);
        });
    }

    private static String unavailable(HistoryRead.Unavailable u) {
        String why = switch (u.reason()) {
            case EPOCH_CHANGED -> "since names another epoch: the channel's history was lost";
            case TOO_OLD -> "messages after since are no longer kept";
            case AHEAD -> "since is past the channel's newest message";
        };
        return why + "; the channel is now at epoch " + u.position().epoch() + ", offset " + u.position().offset();
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
