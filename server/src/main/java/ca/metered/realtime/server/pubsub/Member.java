package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.server.auth.Permissions;
import ca.metered.realtime.server.hub.Subscriber;

/**
 * A live connection as the pub/sub services see it: what the hub delivers to, plus its app,
 * its permissions and its subscriptions.
 *
 * <p>Implementations are thread-safe (see {@link Subscriber}).
 */
public interface Member extends Subscriber {

    String appId();

    Permissions permissions();

    /** This connection's subscriptions, kept by {@link Memberships}. */
    ChannelSet channels();
}
