package ca.metered.realtime.server.connection;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A set of elements kept in one array, each in the slot it was given when added and named again
 * when removed. It is what {@link Connections} registers its live connections in: a concurrent
 * hash set costs a 32-byte node plus its table's share per element, a slot 4 bytes (plus the
 * element's own record of its slot, which {@link Connection} keeps in what was padding) —
 * docs/performance.md, "Idle connections".
 *
 * <p>Elements never move, so a walk sees every element present during the whole walk exactly
 * once; one added or removed meanwhile may or may not be seen (the same weak consistency as a
 * {@code ConcurrentHashMap}'s iterators). Freed slots are reused before the array grows; the
 * array never shrinks (nor does a hash table's).
 *
 * <p>Thread-safe: {@link #add} and {@link #remove} take this table's monitor, a leaf lock (nothing
 * is called under it); walks and {@link #size} take no lock.
 *
 * @param <T> the element type
 */
final class SlotTable<T> implements Iterable<T> {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final int INITIAL = 16;

    /** Replaced by a larger copy when full; element stores are release, loads acquire. */
    private volatile Object[] slots = new Object[INITIAL];
    /** Slots used once and freed since, to fill before {@link #end}; guarded by this. */
    private int[] free = new int[INITIAL];
    private int freeCount;
    /** Slots at or after this were never used; guarded by this. */
    private int end;
    private volatile int size;

    /** Adds {@code element} (not null, not already in) and returns its slot, for {@link #remove}. */
    synchronized int add(T element) {
        Object[] s = slots;
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (end == s.length) {
                // A walk still on the old array sees it as it was: weakly consistent, as above.
                s = Arrays.copyOf(s, s.length * 2);
                slots = s;
            }
            slot = end++;
        }
        SLOT.setRelease(s, slot, element);
        size++;
        return slot;
    }

    /**
     * Removes {@code element} from {@code slot}; false (and nothing changes) if that very element
     * (by identity, as connections are) is not there.
     */
    synchronized boolean remove(int slot, T element) {
        Object[] s = slots;
        if (slot < 0 || slot >= end || s[slot] != element) {
            return false;
        }
        SLOT.setRelease(s, slot, null);
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
        size--;
        return true;
    }

    int size() {
        return size;
    }

    @Override
    public Iterator<T> iterator() {
        return new Walk<>(slots);
    }

    /** One pass over the array as it was when the walk began (see the class comment). */
    private static final class Walk<T> implements Iterator<T> {
        private final Object[] slots;
        private int index;
        private T next;

        Walk(Object[] slots) {
            this.slots = slots;
            advance();
        }

        @SuppressWarnings("unchecked")
        private void advance() {
            next = null;
            while (next == null && index < slots.length) {
                next = (T) SLOT.getAcquire(slots, index++);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public T next() {
            T n = next;
            if (n == null) {
                throw new NoSuchElementException();
            }
            advance();
            return n;
        }
    }
}
