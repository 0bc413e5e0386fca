package ca.metered.realtime.server.session;

import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.config.LiveConfig;
import ca.metered.realtime.server.connection.Connections;
import ca.metered.realtime.server.ice.IceServerProvider;
import ca.metered.realtime.server.pubsub.MessageService;
import ca.metered.realtime.server.pubsub.Memberships;
import ca.metered.realtime.server.time.Scheduler;
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
    private final IceServerProvider iceServers;
    private final Scheduler scheduler;
    private final LiveConfig config;

    public Sessions(Connections connections, Memberships memberships, MessageService messages,
                    IceServerProvider iceServers, Scheduler scheduler, LiveConfig config) {
        this.connections = connections;
        this.memberships = memberships;
        this.messages = messages;
        this.iceServers = iceServers;
        this.scheduler = scheduler;
        this.config = config;
    }

    /** A session for an authenticated connection, before its handlers are installed. */
    public Session create(Channel channel, Grant grant) {
        Limits limits = config.limits(grant.app().id());
        return new Session(channel, grant, limits, config.server().outboundBufferBytes(), connections, memberships,
                messages, iceServers, scheduler);
    }
}
