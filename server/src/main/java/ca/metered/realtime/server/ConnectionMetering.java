package ca.metered.realtime.server;

import ca.metered.realtime.server.metrics.NodeMetrics;
import ca.metered.realtime.server.pubsub.LifecycleListener;
import ca.metered.realtime.server.pubsub.Member;

/**
 * Keeps {@code rms_connections}, {@code rms_connections_opened_total} and
 * {@code rms_subscriptions} in step with the node's connections.
 *
 * <p>Thread-safe; called on the thread that decided the event.
 */
final class ConnectionMetering implements LifecycleListener {
    private final NodeMetrics metrics;

    ConnectionMetering(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void connectionOpened(Member member) {
        metrics.app(member.appId()).connectionOpened();
    }

    @Override
    public void connectionClosed(Member member) {
        metrics.app(member.appId()).connectionClosed();
    }

    @Override
    public void subscribed(Member member, String channel) {
        metrics.app(member.appId()).subscribed();
    }

    @Override
    public void unsubscribed(Member member, String channel) {
        metrics.app(member.appId()).unsubscribed();
    }
}
