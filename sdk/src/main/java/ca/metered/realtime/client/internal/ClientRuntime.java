package ca.metered.realtime.client.internal;

import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
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
                () -> ThreadLocalRandom.current().nextDouble(),
                ClientRuntime::randomRequestId);
    }

    /**
     * A UUID v4 string, as the JS SDK's {@code crypto.randomUUID()}. Drawn from
     * {@link ThreadLocalRandom}, not {@code SecureRandom}: a requestId only correlates an ack on
     * one connection and needs no secrecy, and {@code UUID.randomUUID()} costs more than the rest
     * of a publish.
     */
    public static String randomRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;               // version 4
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb).toString();
    }
}
