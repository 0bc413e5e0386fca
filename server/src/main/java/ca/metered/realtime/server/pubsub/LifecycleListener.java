package ca.metered.realtime.server.pubsub;

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

    /** The connection is registered and reachable by {@code send}. */
    default void connectionOpened(Member member) {
    }

    /** The connection is gone and everything it held is released. */
    default void connectionClosed(Member member) {
    }

    /** A new subscription (a repeated subscribe to the same name is not new). */
    default void subscribed(Member member, String channel) {
    }

    default void unsubscribed(Member member, String channel) {
    }
}
