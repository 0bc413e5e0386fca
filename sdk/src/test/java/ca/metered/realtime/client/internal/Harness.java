package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.SignallingClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A client wired to a fake transport, a fake scheduler and direct executors: everything runs on
 * the test thread, in order, and time moves only with {@link #advance}.
 */
final class Harness {
    final FakeTransport transport = new FakeTransport();
    final FakeScheduler scheduler = new FakeScheduler();
    final List<ClientEvent> events = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    double random = 0.5; // 0.5 means zero jitter
    final DefaultSignallingClient client;

    Harness() {
        this(b -> { });
    }

    Harness(Consumer<SignallingClientOptions.Builder> customize) {
        SignallingClientOptions.Builder b = SignallingClientOptions.builder()
                .url("ws://localhost:9").transport(transport).logger(new RecordingLogger(logs));
        customize.accept(b);
        SignallingClientOptions options;
        try {
            options = b.build();
        } catch (IllegalArgumentException noCredential) { // the test did not choose one: use a key
            options = b.apiKey("pk_test_secret").build();
        }
        AtomicInteger ids = new AtomicInteger();
        ClientRuntime rt = new ClientRuntime(Runnable::run, Runnable::run, scheduler, () -> random,
                () -> "r" + ids.incrementAndGet());
        client = new DefaultSignallingClient(options, rt);
        client.on(ClientEvent.class, events::add);
    }

    void advance(long ms) {
        scheduler.advance(ms);
    }

    /** Connects and completes the first welcome. */
    FakeTransport.FakeSocket connected() {
        var f = client.connect();
        FakeTransport.FakeSocket s = transport.last();
        s.welcome();
        if (!f.isDone() || f.isCompletedExceptionally()) {
            throw new AssertionError("connect did not complete: " + f);
        }
        return s;
    }

    <E extends ClientEvent> List<E> events(Class<E> type) {
        List<E> out = new ArrayList<>();
        for (ClientEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    static Throwable cause(java.util.concurrent.CompletableFuture<?> f) {
        try {
            f.getNow(null);
            throw new AssertionError("future not failed: " + f);
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }
}
