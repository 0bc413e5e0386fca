package ca.metered.realtime.server.history;

import ca.metered.realtime.protocol.frame.RawJson;
import java.util.Objects;

/**
 * A message on its way into a channel's history, before it has a position.
 *
 * <p>Immutable; thread-safe.
 */
public record NewMessage(String from, RawJson data, RawJson fromMetadata) {
    public NewMessage {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(data, "data");
    }
}
