package ca.metered.realtime.client.internal;

import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The threads, time and randomness a client runs on. Production uses {@link #shared(Executor)};
 * tests pass direct executors, a fake scheduler and a seeded random.
 *
 * @param loopBase     runs the client's serial loop
 * @param callbackBase runs listeners and future completions (serialised per client)
 * @param random       uniform in [0, 1), for reconnect jitter
 * @param requestIds   fresh request ids
 */
public record ClientRuntime(Executor loopBase, Executor callbackBase, Scheduler scheduler, DoubleSupplier random,
                            Supplier<String> requestIds) {

    public static ClientRuntime shared(Executor callbackExecutor) {
        return new ClientRuntime(SharedResources.io(),
                callbackExecutor != null ? callbackExecutor : SharedResources.pool(),
                Scheduler.of(SharedResources.timer()),
                () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble(),
                () -> java.util.UUID.randomUUID().toString());
    }
}
