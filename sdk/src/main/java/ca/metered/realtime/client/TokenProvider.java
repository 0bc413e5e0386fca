package ca.metered.realtime.client;

import ca.metered.realtime.client.internal.SharedResources;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Supplies a JWT for each connection attempt: called on the first {@code connect()} and on
 * <em>every</em> reconnect, so return a fresh token each time (an expired one makes the server
 * close with 4002 again).
 *
 * <p>Called on the client's internal thread: it must not block. Wrap a blocking call with
 * {@link #blocking(Supplier)}. A stage that does not complete within
 * {@link SignallingClientOptions#tokenProviderTimeout()} counts as a failure, as do an exception,
 * {@code null} and an empty string.
 */
@FunctionalInterface
public interface TokenProvider {
    CompletionStage<String> token();

    /**
     * Adapts a blocking supplier (an HTTP call to your backend, say); it runs on a shared
     * daemon thread pool, never on the client's own threads.
     */
    static TokenProvider blocking(Supplier<String> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return () -> CompletableFuture.supplyAsync(supplier, SharedResources.blockingPool());
    }

    /** A provider that always returns {@code token}, for tests and demos. */
    static TokenProvider fixed(String token) {
        Objects.requireNonNull(token, "token");
        return () -> CompletableFuture.completedFuture(token);
    }
}
