package ca.metered.realtime.client;

/**
 * Handle of a listener registration; {@link #remove()} unregisters it. Idempotent and
 * thread-safe. Also {@link AutoCloseable}, so a listener can be scoped with try-with-resources.
 */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    /** Removes the listener; events already queued for it may still be delivered. */
    void remove();

    @Override
    default void close() {
        remove();
    }
}
