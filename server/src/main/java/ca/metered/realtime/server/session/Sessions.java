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

/**
 * Makes the {@link Session} of each upgraded WebSocket connection, with the node's services.
 *
 * <p>Thread-safe; shared by every connection.
 */
public final class Sessions {
    private final Connections connections;
    private final Memberships memberships;
    private final MessageService messages;
    private final HistoryService history;
    private final IceServerProvider iceServers;
    private final Scheduler scheduler;
    private final LiveConfig config;
    private final NodeMetrics metrics;
    private final OutboundBudget budget;

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
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * A session for an authenticated connection, before its handlers are installed.
     *
     * @param remoteAddress where the client connects from (what a trusted proxy forwarded, else the peer)
     */
    public Session create(Channel channel, Grant grant, String remoteAddress) {
        Limits limits = config.limits(grant.app().id());
        return new Session(channel, grant, limits, config.server().outboundBufferBytes(), budget, connections,
                memberships, messages, history, iceServers, scheduler, metrics, remoteAddress);
    }
}
