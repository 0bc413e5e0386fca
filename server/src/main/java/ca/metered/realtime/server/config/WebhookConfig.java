package ca.metered.realtime.server.config;

import ca.metered.realtime.protocol.ChannelPattern;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One endpoint of an app that is told what happens ({@code apps[].webhooks[]}, docs/webhooks.md).
 *
 * <p>Immutable; thread-safe.
 *
 * @param url      where the events are POSTed; {@code http} or {@code https}, never redirected
 * @param secret   the HMAC-SHA256 key of {@code X-Rms-Signature}; at least 16 characters
 * @param events   what it is told; at least one
 * @param channels the channels whose channel events it is told; empty for every channel.
 *                 Peer events are not about a channel and always pass.
 */
public record WebhookConfig(URI url, String secret, Set<WebhookEventType> events, List<ChannelPattern> channels) {

    public WebhookConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
        events = Set.copyOf(events.isEmpty() ? EnumSet.noneOf(WebhookEventType.class) : EnumSet.copyOf(events));
        channels = List.copyOf(channels);
    }

    /** Whether this endpoint is told an event of {@code type} (about {@code channel}, null for none). */
    public boolean wants(WebhookEventType type, String channel) {
        if (!events.contains(type)) {
            return false;
        }
        if (channel == null || channels.isEmpty()) {
            return true;
        }
        for (ChannelPattern p : channels) {
            if (p.matches(channel)) {
                return true;
            }
        }
        return false;
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "WebhookConfig[" + url + " events=" + events + " channels=" + channels + "]";
    }
}
