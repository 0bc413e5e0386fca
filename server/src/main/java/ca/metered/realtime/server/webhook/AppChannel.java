package ca.metered.realtime.server.webhook;

import java.util.Objects;

/** A channel of an app. Immutable; thread-safe. */
public record AppChannel(String appId, String channel) {
    public AppChannel {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(channel, "channel");
    }
}
