package ca.metered.realtime.server.history;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The idempotency keys of recent publishes in memory (docs/protocol.md 9): per app and channel, what
 * the first publish with a key came to, for the app's window. Keys are forgotten in the order
 * they were remembered, when their window ends or, past {@code maxKeys}, early (then a repeat
 * after that may be delivered again; docs/configuration.md says how many are kept).
 *
 * <p>Thread-safe (one lock; every call is O(1) amortised). The caller makes "find, else publish
 * and remember" atomic per channel with its own lock.
 */
public final class IdempotencyWindow {
    /** A key as remembered: one app's channel and the client's key. */
    private record Key(String appId, String channel, String key) {
    }

    private record Remembered(Key key, Appended result, long expiresAt) {
    }

    private final int maxKeys;
    private final Map<Key, Remembered> byKey = new HashMap<>();
    /** In the order remembered, which for one window is the order they expire. */
    private final ArrayDeque<Remembered> order = new ArrayDeque<>();

    public IdempotencyWindow(int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be > 0");
        }
        this.maxKeys = maxKeys;
    }

    /** The first result for this key on the channel, if it is still within its window at {@code now}. */
    public synchronized Optional<Appended> find(String appId, String channel, String key, long now) {
        Remembered r = byKey.get(new Key(appId, channel, key));
        return r != null && r.expiresAt() > now ? Optional.of(r.result()) : Optional.empty();
    }

    /** Remembers the result of the first publish with this key, for {@code window} from {@code now}. */
    public synchronized void remember(String appId, String channel, String key, Appended result, Duration window,
                                      long now) {
        expire(now);
        while (order.size() >= maxKeys) {
            forget(order.removeFirst());
        }
        Remembered r = new Remembered(new Key(appId, channel, key), result, now + window.toMillis());
        // A key used again after its window ended replaces the old entry; the old one stays in
        // the order until its turn and is then skipped by forget.
        byKey.put(r.key(), r);
        order.addLast(r);
    }

    /** Forgets keys whose window ended; also done on every {@link #remember}. */
    public synchronized void expire(long now) {
        // Windows may differ between apps, so this is remembering order, not strictly expiry
        // order: a key queued behind one with a longer window is forgotten late, and find
        // ignores it meanwhile.
        while (!order.isEmpty() && order.peekFirst().expiresAt() <= now) {
            forget(order.removeFirst());
        }
    }

    public synchronized int size() {
        return byKey.size();
    }

    private void forget(Remembered r) {
        byKey.remove(r.key(), r);
    }
}
