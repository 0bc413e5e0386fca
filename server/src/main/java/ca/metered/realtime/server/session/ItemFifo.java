package ca.metered.realtime.server.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An unbounded FIFO for many producers and one consumer that holds no object while it is empty:
 * its two ends are fields of the object that extends it, and each queued item takes one node
 * until it is taken. {@link java.util.concurrent.ConcurrentLinkedQueue} keeps a queue object and
 * a dummy node for ever — about 50 bytes on every idle connection's {@link OutboundQueue}
 * (docs/performance.md, "Idle connections").
 *
 * <p>A producer swaps itself in as the tail ({@code getAndSet}: that is where the order of
 * items from different threads is decided, and the items of one thread stay in its order), then
 * links its node behind the one it replaced — or, when it replaced no node (the FIFO was
 * empty), makes it the head. The consumer takes the head; when the head has no successor yet, it
 * tries to empty the FIFO by setting the tail from the head back to null, and if a producer got
 * there first, waits for that producer to link its node (two stores away: the wait is a spin, as
 * in the linked queues of JCTools).
 *
 * <p>Thread-safety: {@link #add} and {@link #isEmpty} from any thread; {@link #peek} and
 * {@link #remove} from one consumer thread at a time (the connection's event loop) — two threads
 * taking at once would break the FIFO.
 */
abstract class ItemFifo {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(ItemFifo.class, "head", Node.class);
            TAIL = l.findVarHandle(ItemFifo.class, "tail", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Node {
        final Object item;
        volatile Node next;

        Node(Object item) {
            this.item = item;
        }
    }

    /**
     * The oldest node not yet removed: written by the consumer, and by the producer that found
     * the FIFO empty (then only: until the consumer empties it again, the tail is not null).
     */
    private volatile Node head;
    /** The newest node; null exactly when the FIFO is empty (but for a producer's first store). */
    private volatile Node tail;

    /** Appends an item (not null). Any thread. */
    final void add(Object item) {
        Node n = new Node(item);
        Node prev = (Node) TAIL.getAndSet(this, n);
        if (prev == null) {
            HEAD.setVolatile(this, n);
        } else {
            prev.next = n;
        }
    }

    /**
     * Whether nothing is queued. Any thread; an item whose {@link #add} has started (and has not
     * returned) counts as queued.
     */
    final boolean isEmpty() {
        return tail == null;
    }

    /** The oldest item, left in place; null when empty. Consumer only. */
    final Object peek() {
        Node h = head;
        if (h == null) {
            if (tail == null) {
                return null;
            }
            // A producer found the FIFO empty and swapped the tail: its next store is the head.
            while ((h = head) == null) {
                Thread.onSpinWait();
            }
        }
        return h.item;
    }

    /** Removes and returns the oldest item; null when empty. Consumer only. */
    final Object remove() {
        Object item = peek();
        if (item == null) {
            return null;
        }
        Node h = head;
        Node next = h.next;
        if (next == null) {
            // The head may be the last node: clear the head first (while the tail is set, no
            // producer writes it), then try to empty the FIFO.
            head = null;
            if (TAIL.compareAndSet(this, h, null)) {
                return item;
            }
            // A producer swapped the tail after h: its next store links its node behind h.
            while ((next = h.next) == null) {
                Thread.onSpinWait();
            }
        }
        head = next;
        return item;
    }
}
