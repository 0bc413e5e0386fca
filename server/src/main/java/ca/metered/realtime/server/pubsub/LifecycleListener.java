package ca.metered.realtime.server.pubsub;

import java.util.Arrays;
import java.util.List;

/**
 * Hears the lifecycle of this node's connections: opened (the welcome may go out), subscribed,
 * unsubscribed, closed. The seam for metrics and webhooks on this node; every method has an
 * empty default, so a listener overrides what it needs.
 *
 * <p>Called on the thread that decided the event (an event loop, a backplane thread); must be
 * quick and must not throw. Implementations are thread-safe.
 */
public interface LifecycleListener {
    LifecycleListener NONE = new LifecycleListener() {
    };

    /** One listener telling each of {@code listeners}, in order ({@link #NONE}s left out). */
    static LifecycleListener all(LifecycleListener... listeners) {
        List<LifecycleListener> each = Arrays.stream(listeners).filter(l -> l != NONE).toList();
        return switch (each.size()) {
            case 0 -> NONE;
            case 1 -> each.get(0);
            default -> new LifecycleListener() {
                @Override
                public void connectionOpened(Member member) {
                    each.forEach(l -> l.connectionOpened(member));
                }

                @Override
                public void connectionClosed(Member member) {
                    each.forEach(l -> l.connectionClosed(member));
                }

                @Override
                public void connectionClosed(Member member, CloseStatus status) {
                    each.forEach(l -> l.connectionClosed(member, status));
                }

                @Override
                public void subscribed(Member member, String channel) {
                    each.forEach(l -> l.subscribed(member, channel));
                }

                @Override
                public void unsubscribed(Member member, String channel) {
                    each.forEach(l -> l.unsubscribed(member, channel));
                }
            };
        };
    }

    /** The connection is registered and reachable by {@code send}. */
    default void connectionOpened(Member member) {
    }

    /** The connection is gone and everything it held is released. */
    default void connectionClosed(Member member) {
    }

    /**
     * The connection is gone, with how it ended; what {@code Connections} calls. By default the
     * listener hears {@link #connectionClosed(Member)}: override one or the other.
     */
    default void connectionClosed(Member member, CloseStatus status) {
        connectionClosed(member);
    }

    /** A new subscription (a repeated subscribe to the same name is not new). */
    default void subscribed(Member member, String channel) {
    }

    default void unsubscribed(Member member, String channel) {
    }
}
