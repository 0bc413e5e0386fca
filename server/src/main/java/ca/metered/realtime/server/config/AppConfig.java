package ca.metered.realtime.server.config;

import java.util.List;
import java.util.Objects;

/**
 * One hosted app: its credentials and limits. Channels, presence and quotas are scoped to it
 * (protocol.md 2.4).
 *
 * <p>Immutable; thread-safe.
 *
 * @param id unique app id, {@code [A-Za-z0-9_-]{1,64}}
 * @param enabled false suspends the app: its connections are closed 4012; default true
 * @param publishableKeys browser-safe keys (protocol.md 6.1), possibly none
 * @param secretKeys signing keys for JWTs and REST (protocol.md 6.2), possibly none
 * @param limits per-app limits (protocol.md 5)
 * @param iceServers the ICE servers its connections get in {@code welcome.metadata}: the app's
 *     own list, else the top-level default; possibly none (docs/turn.md)
 * @param webhooks the endpoints told what happens in the app (docs/webhooks.md); possibly none
 */
public record AppConfig(
        String id,
        boolean enabled,
        List<PublishableKeyConfig> publishableKeys,
        List<SecretKeyConfig> secretKeys,
        Limits limits,
        List<IceServerConfig> iceServers,
        List<WebhookConfig> webhooks) {

    public AppConfig {
        Objects.requireNonNull(id, "id");
        publishableKeys = List.copyOf(publishableKeys);
        secretKeys = List.copyOf(secretKeys);
        Objects.requireNonNull(limits, "limits");
        iceServers = List.copyOf(iceServers);
        webhooks = List.copyOf(webhooks);
    }

    /** An app without webhooks. */
    public AppConfig(String id, boolean enabled, List<PublishableKeyConfig> publishableKeys,
                     List<SecretKeyConfig> secretKeys, Limits limits, List<IceServerConfig> iceServers) {
        this(id, enabled, publishableKeys, secretKeys, limits, iceServers, List.of());
    }
}
