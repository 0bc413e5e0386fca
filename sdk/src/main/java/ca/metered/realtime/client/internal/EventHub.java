package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.EventStream;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.client.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Fans a family of event records {@code B} (a client's, a peer's, a data channel's) out to listeners
 * and streams. {@link #emit} is called on the owner's loop;
 * it snapshots the matching listeners and hands them to the (serial) callback executor as one
 * task, so listeners see events in order, off the loop, never under a lock. Registration and
 * removal are thread-safe from any thread.
 */
public final class EventHub<B> {
    private final CopyOnWriteArrayList<Entry<?>> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<BoundedEventStream<?>> streams = new CopyOnWriteArrayList<>();
    private final Executor callbacks;
    private final Logger logger;

    public EventHub(Executor callbacks, Logger logger) {
        this.callbacks = callbacks;
        this.logger = logger;
    }

    public <E extends B> Registration on(Class<E> type, Consumer<? super E> listener, boolean once) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(listener, "listener");
        Entry<E> e = new Entry<>(type, listener, once);
        listeners.add(e);
        return e::remove;
    }

    public <E extends B> EventStream<E> stream(Class<E> type, int capacity) {
        Objects.requireNonNull(type, "type");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        BoundedEventStream<E> s = new BoundedEventStream<>(type, capacity, streams::remove);
        streams.add(s);
        return s;
    }

    /** Whether some listener would receive an event of {@code type}. */
    public boolean hasListenerFor(Class<? extends B> type) {
        for (Entry<?> e : listeners) {
            if (e.type.isAssignableFrom(type)) {
                return true;
            }
        }
        return false;
    }

    /** Removes every listener (streams stay open); events already handed to the callback executor are still delivered. */
    public void clear() {
        listeners.clear();
    }

    /** The streams open now. */
    public List<EventStream<?>> openStreams() {
        return List.copyOf(streams);
    }

    /**
     * Ends {@code toEnd}: they stop queuing, and {@link EventStream#take()} returns {@code null} once
     * what they hold has been taken (the documented end signal).
     */
    public void endStreams(List<EventStream<?>> toEnd) {
        toEnd.forEach(EventStream::close);
    }

    /** Delivers {@code event}; call on the owner's loop only. */
    public void emit(B event) {
        for (BoundedEventStream<?> s : streams) {
            s.offerIfMatches(event);
        }
        List<Entry<?>> matching = new ArrayList<>(2);
        for (Entry<?> e : listeners) {
            if (e.type.isInstance(event)) {
                matching.add(e);
            }
        }
        if (!matching.isEmpty()) {
            callbacks.execute(() -> {
                for (Entry<?> e : matching) {
                    e.deliver(event);
                }
            });
        }
    }

    private final class Entry<E> {
        final Class<E> type;
        final Consumer<? super E> listener;
        final boolean once;
        final AtomicBoolean done = new AtomicBoolean();

        Entry(Class<E> type, Consumer<? super E> listener, boolean once) {
            this.type = type;
            this.listener = listener;
            this.once = once;
        }

        void remove() {
            done.set(true);
            listeners.remove(this);
        }

        void deliver(Object event) {
            if (once ? !done.compareAndSet(false, true) : done.get()) {
                return;
            }
            if (once) {
                listeners.remove(this);
            }
            try {
                listener.accept(type.cast(event));
            } catch (RuntimeException | Error t) {
                // A faulty listener must not starve the others (JS: logger.error("listener threw")).
                Loggers.safe(() -> logger.error("listener threw",
                        Map.of("event", event.getClass().getSimpleName(), "err", String.valueOf(t))));
                if (t instanceof VirtualMachineError) {
                    throw t;
                }
            }
        }
    }
}
