package ca.metered.realtime.bench.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Many connections opened the same way for every server: at most {@code concurrency} in the
 * middle of connecting at a time, each one greeted and (optionally) subscribed to its room
 * before its slot frees. {@link #elapsedNanos()} is the time from the first connect to the last
 * subscription confirmed.
 *
 * <p>Thread-safe after {@link #open} returns.
 */
public final class Fleet {
    private final List<Peer> peers;
    private final int failures;
    private final String firstFailure;
    private final long elapsedNanos;
    private final boolean timedOut;

    private Fleet(List<Peer> peers, int failures, String firstFailure, long elapsedNanos, boolean timedOut) {
        this.peers = peers;
        this.failures = failures;
        this.firstFailure = firstFailure;
        this.elapsedNanos = elapsedNanos;
        this.timedOut = timedOut;
    }

    /**
     * Opens {@code count} connections and waits until every one is subscribed (or failed).
     *
     * @param roomOf the room of connection {@code i}, or {@code null} for none (connect only)
     * @param onReady called with each connection once greeted, before it subscribes (on its loop)
     * @return the connections; {@link #timedOut()} if {@code timeout} passed first (then the
     *     connections not yet done are neither failures nor complete)
     */
    public static Fleet open(LoadClient client, URI uri, int count, IntFunction<Peer> factory,
                             IntFunction<String> roomOf, Consumer<Peer> onReady, int concurrency,
                             Duration timeout) throws InterruptedException {
        List<Peer> peers = Collections.synchronizedList(new ArrayList<>(count));
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        long t0 = System.nanoTime();
        boolean timedOut = false;
        for (int i = 0; i < count && !timedOut; i++) {
            if (!slots.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                break;
            }
            Peer peer = factory.apply(i);
            peers.add(peer);
            client.connect(uri, peer).addListener(f -> {
                if (!f.isSuccess()) {
                    peer.connectFailed(f.cause());
                }
            });
            String room = roomOf == null ? null : roomOf.apply(i);
            peer.ready().thenCompose(v -> {
                onReady.accept(peer);
                return room == null ? CompletableFuture.<Void>completedFuture(null) : peer.subscribe(room);
            }).whenComplete((v, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                    first.compareAndSet(null, String.valueOf(e.getCause() != null ? e.getCause() : e));
                }
                slots.release();
                done.countDown();
            });
        }
        if (!timedOut && !done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            timedOut = true;
        }
        long elapsed = System.nanoTime() - t0;
        synchronized (peers) {
            return new Fleet(List.copyOf(peers), failed.get(), first.get(), elapsed, timedOut);
        }
    }

    /** Whether the timeout passed before every connection was done. */
    public boolean timedOut() {
        return timedOut;
    }

    /** Throws unless every connection is up (and subscribed) without failure. */
    public Fleet requireAll(String what) {
        if (timedOut || failures > 0) {
            throw new IllegalStateException(what + ": " + (timedOut ? "timed out; " : "") + failures
                    + " failed" + (firstFailure != null ? " (first: " + firstFailure + ")" : ""));
        }
        return this;
    }

    public List<Peer> peers() {
        return peers;
    }

    public int failures() {
        return failures;
    }

    /** The first failure's text, or {@code null}. */
    public String firstFailure() {
        return firstFailure;
    }

    public long elapsedNanos() {
        return elapsedNanos;
    }

    public long open() {
        return peers.stream().filter(Peer::isOpen).count();
    }

    /** Closes every connection (close 1000) and waits up to {@code timeout} for them to go. */
    public void close(Duration timeout) throws InterruptedException {
        peers.forEach(Peer::close);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (open() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
