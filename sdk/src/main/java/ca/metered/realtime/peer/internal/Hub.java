package ca.metered.realtime.peer.internal;

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
 * Typed listener fan-out for a family of event records {@code B} (the peer-side twin of the
 * client's {@code EventHub}): {@link #emit} snapshots the matching listeners and hands them to the
 * serial callback executor as one task, so listeners see events in order, off the loop. A throwing
 * listener is logged and does not starve the others.
 */
public final class Hub<B> {
    private final CopyOnWriteArrayList<Entry<?>> listeners = new CopyOnWriteArrayList<>();
    private final Executor callbacks;
    private final Logger logger;

    public Hub(Executor callbacks, Logger logger) {
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

    /** Whether some listener would receive an event of {@code type}. */
    public boolean hasListenerFor(Class<? extends B> type) {
        for (Entry<?> e : listeners) {
            if (e.type.isAssignableFrom(type)) {
                return true;
            }
        }
        return false;
    }

    public void clear() {
        listeners.clear();
    }

    public void emit(B event) {
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
                try {
                    logger.error("listener threw", Map.of("event", event.getClass().getSimpleName(), "err", String.valueOf(t)));
                } catch (RuntimeException ignored) {
                    // a logger must not throw; if it does, the other listeners still run
                }
                if (t instanceof VirtualMachineError) {
                    throw t;
                }
            }
        }
    }
}
