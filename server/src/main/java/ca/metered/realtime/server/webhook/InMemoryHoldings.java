package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.webhook.WebhookEvent.ChannelOccupied;
import ca.metered.realtime.server.webhook.WebhookEvent.ChannelVacated;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerConnected;
import ca.metered.realtime.server.webhook.WebhookEvent.PeerDisconnected;
import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The holdings of a node alone: its own first and last subscriber are the channel's, and there
 * is nobody to release anything for it when it dies (its log dies with it).
 *
 * <p>Thread-safe (stateless); events go to {@code emit} on the caller's thread.
 */
public final class InMemoryHoldings implements NodeHoldings {
    private final BiConsumer<String, WebhookEvent> emit;

    /** @param emit where the decided events go, usually {@link WebhookService#emit} */
    public InMemoryHoldings(BiConsumer<String, WebhookEvent> emit) {
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
    public void connectionOpened(String appId, PeerConnected event, boolean announce, boolean track) {
        if (announce) {
            emit.accept(appId, event);
        }
    }

    @Override
    public void connectionClosed(String appId, PeerDisconnected event) {
        emit.accept(appId, event);
    }

    @Override
    public void start(Supplier<Collection<AppChannel>> channels, Supplier<Collection<HeldConnection>> connections) {
    }

    @Override
    public void close() {
    }
}
