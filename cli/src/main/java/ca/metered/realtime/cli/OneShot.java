package ca.metered.realtime.cli;

import ca.metered.realtime.client.InvalidArgumentException;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Connect, run one acked request, close: the body of {@code rms publish} and {@code rms send}.
 * No reconnect: a drop is a failure the caller sees in the exit code.
 */
final class OneShot {
    /** Above the SDK's own deadlines (token 10 s, welcome 10 s, ack 15 s), so they report first. */
    private static final Duration DEADLINE = Duration.ofSeconds(40);

    private OneShot() {
    }

    static int run(ClientArgs args, Function<SignallingClient, CompletableFuture<Void>> request) {
        SignallingClientOptions options = ClientArgs.build(args.builder().reconnectDisabled());
        try (SignallingClient client = SignallingClient.create(options)) {
            await(client.connect());
            await(request.apply(client));
            return 0;
        }
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (Failures.unwrap(e) instanceof InvalidArgumentException bad) {
                throw new CliException(bad.getMessage(), 2); // a bad --channel/--to: a usage error
            }
            throw Failures.failed(e);
        } catch (TimeoutException e) {
            throw new CliException("timeout: no answer within " + DEADLINE.toSeconds() + " s", 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 1);
        }
    }
}
