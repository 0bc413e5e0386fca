package ca.metered.realtime.server.cluster;

import java.util.Objects;

/** One app's channel: the key of per-channel state. Immutable; thread-safe. */
public record ChannelKey(String appId, String channel) {

    public ChannelKey {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(channel, "channel");
    }
}
