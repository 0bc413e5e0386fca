package ca.metered.realtime.server.session;

import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.config.LiveConfig;
import ca.metered.realtime.server.connection.Connections;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.pubsub.HistoryService;
import ca.metered.realtime.server.pubsub.MessageService;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.time.Scheduler;
import ca.metered.realtime.server.metrics.NodeMetrics;
import io.netty.channel.Channel;
import java.util.function.LongSupplier;

/**
 * Makes the {@link Session} of each upgraded WebSocket connection, with the node's services.
 *
 * <p>Thread-safe; shared by every connection.
 */
public final class Sessions {
    final Connections connections;
    final Memberships memberships;
    final MessageService messages;
    final HistoryService history;
    final IceServerProvider iceServers;
    final Scheduler scheduler;
    final LongSupplier nanoTime;
    private final LiveConfig config;
    final NodeMetrics metrics;
    final OutboundBudget budget;
    /** See {@link #outboundShared}. */
    private volatile OutboundQueue.Shared outboundShared;

    public Sessions(Connections connections, Memberships memberships, MessageService messages, HistoryService history,
                    IceServerProvider iceServers, Scheduler scheduler, LiveConfig config, NodeMetrics metrics,
                    OutboundBudget budget) {
        this.budget = budget;
        this.connections = connections;
        this.memberships = memberships;
        this.messages = messages;
        this.history = history;
        this.iceServers = iceServers;
        this.scheduler = scheduler;
        this.nanoTime = scheduler::nanoTime;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * A session for an authenticated connection, before its handlers are installed; fragmented
     * messages are not aggregated by it.
     *
     * @param remoteAddress where the client connects from (what a trusted proxy forwarded, else
     *     the peer): an {@link java.net.InetAddress}, or text; formatted only when asked for
     */
    public Session create(Channel channel, Grant grant, Object remoteAddress) {
        return create(channel, grant, remoteAddress, 0);
    }

    /**
     * As {@link #create(Channel, Grant, Object)}; fragmented messages are aggregated up to
     * {@code maxMessageBytes} by the session's first inbound handler.
     */
    public Session create(Channel channel, Grant grant, Object remoteAddress, int maxMessageBytes) {
        Limits limits = config.limits(grant.app().id());
        return new Session(channel, grant, limits, this, remoteAddress, maxMessageBytes);
    }

    /** The per-connection outbound cap in bytes (docs/protocol.md 4), as configured now. */
    long outboundCapBytes() {
        return config.server().outboundBufferBytes();
    }

    /**
     * What a new connection's outbound queue shares with the others: the cap as configured now,
     * the metrics and the budget; one object until a reload changes the cap. Any thread (two
     * racing after a change may each make one: harmless).
     */
    OutboundQueue.Shared outboundShared() {
        long cap = outboundCapBytes();
        OutboundQueue.Shared s = outboundShared;
        if (s == null || s.capBytes() != cap) {
            s = new OutboundQueue.Shared(cap, metrics, budget);
            outboundShared = s;
        }
        return s;
    }

    /**
     * Runs {@code work} on the calling thread with the outbound drains it schedules gathered per
     * event loop, one task per loop when it is done (the keepalive sweep: a ping to every
     * connection would otherwise be one task and one wake-up per connection).
     */
    public static void gatheringDrains(Runnable work) {
        DrainHandoff.gathering(work);
    }
}
