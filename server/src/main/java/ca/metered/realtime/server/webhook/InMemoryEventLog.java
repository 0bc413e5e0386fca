package ca.metered.realtime.server.webhook;

import ca.metered.realtime.server.time.Scheduler;
import ca.metered.realtime.server.webhook.WebhookEvent.Logged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The event log of a node alone: each app's entries in memory, in append order, capped. Ids are
 * {@code <epoch ms>-<sequence>} like Redis Stream ids, so they sort as they were appended and
 * differ after a restart. This node always holds every lease. The log dies with the node (a
 * node alone has nobody to hand it to).
 *
 * <p>Thread-safe (one monitor). Reads that wait are completed on the appending thread, or on the
 * scheduler's thread when their wait is over.
 */
public final class InMemoryEventLog implements EventLog {
    private final Scheduler scheduler;
    private final Map<String, AppLog> apps = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private long sequence;

    private static final class AppLog {
        final NavigableMap<Long, Logged> entries = new TreeMap<>();
        int capacity;
    }

    private record Waiter(CompletableFuture<Map<String, List<Logged>>> future, Map<String, String> after, int max) {
    }

    public InMemoryEventLog(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public synchronized CompletionStage<Void> configure(String appId, int capacity, boolean presence) {
        apps.computeIfAbsent(appId, a -> new AppLog()).capacity = capacity;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Append> append(String appId, WebhookEvent event) {
        Map<Waiter, Map<String, List<Logged>>> ready;
        synchronized (this) {
            AppLog log = apps.get(appId);
            if (log == null || log.entries.size() >= log.capacity) {
                return CompletableFuture.completedFuture(Append.FULL);
            }
            long seq = ++sequence;
            long now = scheduler.clock().millis();
            log.entries.put(seq, new Logged(now + "-" + seq, now, event));
            ready = takeSatisfiedWaiters();
        }
        // Outside the monitor: a reader's continuation may append or read again.
        ready.forEach((w, found) -> w.future.complete(found));
        return CompletableFuture.completedFuture(Append.LOGGED);
    }

    @Override
    public CompletionStage<Map<String, List<Logged>>> read(Map<String, String> after, int max, Duration wait) {
        Waiter w = new Waiter(new CompletableFuture<>(), Map.copyOf(after), max);
        synchronized (this) {
            Map<String, List<Logged>> now = collect(w);
            if (!now.isEmpty() || wait.isZero()) {
                return CompletableFuture.completedFuture(now);
            }
            waiters.add(w);
        }
        scheduler.schedule(wait, () -> {
            synchronized (this) {
                if (!waiters.remove(w)) {
                    return;
                }
            }
            w.future.complete(Map.of());
        });
        return w.future;
    }

    @Override
    public synchronized void done(String appId, Collection<String> ids) {
        AppLog log = apps.get(appId);
        if (log != null) {
            for (String id : ids) {
                log.entries.remove(sequenceOf(id));
            }
        }
    }

    @Override
    public CompletionStage<Boolean> lead(String appId, Duration ttl) {
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletionStage<Void> resign(String appId) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Long> takeDropped(String appId) {
        return CompletableFuture.completedFuture(0L); // appends report their own drops
    }

    /** Entries not done, over every app (for tests and the dashboard). */
    public synchronized int size() {
        return apps.values().stream().mapToInt(a -> a.entries.size()).sum();
    }

    @Override
    public void close() {
        List<Waiter> pending;
        synchronized (this) {
            pending = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : pending) {
            w.future.complete(Map.of());
        }
    }

    /** Removes the waiters that now have entries, with what they get. */
    private Map<Waiter, Map<String, List<Logged>>> takeSatisfiedWaiters() {
        Map<Waiter, Map<String, List<Logged>>> out = new LinkedHashMap<>();
        for (var it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            Map<String, List<Logged>> found = collect(w);
            if (!found.isEmpty()) {
                it.remove();
                out.put(w, found);
            }
        }
        return out;
    }

    private Map<String, List<Logged>> collect(Waiter w) {
        Map<String, List<Logged>> out = new LinkedHashMap<>();
        w.after.forEach((appId, afterId) -> {
            AppLog log = apps.get(appId);
            if (log == null) {
                return;
            }
            List<Logged> found = new ArrayList<>();
            for (Logged e : log.entries.tailMap(sequenceOf(afterId), false).values()) {
                if (found.size() == w.max) {
                    break;
                }
                found.add(e);
            }
            if (!found.isEmpty()) {
                out.put(appId, found);
            }
        });
        return out;
    }

    /** The sequence part of an id ({@code <ms>-<seq>}); {@link #START} is 0. */
    private static long sequenceOf(String id) {
        int dash = id.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? id : id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not an id of this log: nothing after it
        }
    }
}
