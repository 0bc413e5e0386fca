package ca.metered.realtime.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One hosted app: its credentials and limits. Channels, presence and quotas are scoped to it
 * (docs/protocol.md 2.4).
 *
 * <p>Immutable; thread-safe.
 *
 * @param id unique app id, {@code [A-Za-z0-9_-]{1,64}}
 * @param enabled false suspends the app: its connections are closed 4012; default true
 * @param publishableKeys browser-safe keys (docs/protocol.md 6.1), possibly none
 * @param secretKeys signing keys for JWTs and REST (docs/protocol.md 6.2), possibly none
 * @param limits per-app limits (docs/protocol.md 5)
 * @param iceServers the ICE servers its connections get in {@code welcome.metadata}: the app's
 *     own list, else the top-level default; possibly none (docs/turn.md)
 * @param webhooks the endpoints told what happens in the app (docs/webhooks.md); possibly none
 * @param history which channels keep history, and how much (docs/protocol.md 9); empty: none do
 * @param idempotencyWindow how long a publish's {@code idempotencyKey} is remembered per channel
 *     (docs/protocol.md 9); default 5 minutes
 */
public record AppConfig(
        String id,
        boolean enabled,
        List<PublishableKeyConfig> publishableKeys,
        List<SecretKeyConfig> secretKeys,
        Limits limits,
        List<IceServerConfig> iceServers,
        List<WebhookConfig> webhooks,
        List<HistoryConfig> history,
        Duration idempotencyWindow) {

    public AppConfig {
        Objects.requireNonNull(id, "id");
        publishableKeys = List.copyOf(publishableKeys);
        secretKeys = List.copyOf(secretKeys);
        Objects.requireNonNull(limits, "limits");
        iceServers = List.copyOf(iceServers);
        webhooks = List.copyOf(webhooks);
        history = List.copyOf(history);
        Objects.requireNonNull(idempotencyWindow, "idempotencyWindow");
    }

    /** An app without webhooks and without history, with the default idempotency window (tests build these by hand). */
    public AppConfig(String id, boolean enabled, List<PublishableKeyConfig> publishableKeys,
                     List<SecretKeyConfig> secretKeys, Limits limits, List<IceServerConfig> iceServers) {
        this(id, enabled, publishableKeys, secretKeys, limits, iceServers, List.of());
    }

    /** An app without history, with the default idempotency window. */
    public AppConfig(String id, boolean enabled, List<PublishableKeyConfig> publishableKeys,
                     List<SecretKeyConfig> secretKeys, Limits limits, List<IceServerConfig> iceServers,
                     List<WebhookConfig> webhooks) {
        this(id, enabled, publishableKeys, secretKeys, limits, iceServers, webhooks, List.of(),
                HistoryBinder.DEFAULT_IDEMPOTENCY_WINDOW);
    }

    /** An app without webhooks. */
    public AppConfig(String id, boolean enabled, List<PublishableKeyConfig> publishableKeys,
                     List<SecretKeyConfig> secretKeys, Limits limits, List<IceServerConfig> iceServers,
                     List<HistoryConfig> history, Duration idempotencyWindow) {
        this(id, enabled, publishableKeys, secretKeys, limits, iceServers, List.of(), history, idempotencyWindow);
    }

    /** The history entry that covers a concrete channel: the first that matches, if any. */
    public Optional<HistoryConfig> historyOf(String channel) {
        for (HistoryConfig h : history) {
            if (h.covers(channel)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }
}
