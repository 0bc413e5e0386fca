package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.webhook.WebhookEvent.ChannelOccupied;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelVacated;
import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Occupancy of a node alone: its own first and last subscriber are the channel's.
 *
 * <p>Thread-safe (stateless); events go to {@code emit} on the caller's thread.
 */
public final class InMemoryOccupancy implements Occupancy {
    private final BiConsumer<String, WebhookEvent> emit;

    /** @param emit where the decided events go, usually {@link WebhookService#emit} */
    public InMemoryOccupancy(BiConsumer<String, WebhookEvent> emit) {
        this.emit = emit;
    }

    @Override
    public void nodeOccupied(String appId, String channel) {
        emit.accept(appId, new ChannelOccupied(channel));
    }

    @Override
    public void nodeVacated(String appId, String channel) {
        emit.accept(appId, new ChannelVacated(channel));
    }

    @Override
    public void start(Supplier<Collection<AppChannel>> local) {
    }

    @Override
    public void close() {
    }
}
