package ca.metered.realtime.server.time;

/** A scheduled task that can still be called off. Thread-safe; cancelling twice is harmless. */
@FunctionalInterface
public interface Cancellable {
    /** Cancels the task if it has not run yet; a repeating task runs no more. */
    void cancel();
}
