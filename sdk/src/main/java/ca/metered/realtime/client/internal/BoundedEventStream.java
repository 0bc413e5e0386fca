package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.EventStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/** {@link EventStream} over a bounded deque that drops the oldest event when full. Thread-safe. */
final class BoundedEventStream<E> implements EventStream<E> {
    private final Class<E> type;
    private final int capacity;
    private final Consumer<BoundedEventStream<?>> onClose;
    private final ArrayDeque<E> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long dropped;
    private boolean closed;

    BoundedEventStream(Class<E> type, int capacity, Consumer<BoundedEventStream<?>> onClose) {
        this.type = type;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    void offerIfMatches(Object event) {
        if (!type.isInstance(event)) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (queue.size() == capacity) {
                queue.pollFirst();
                dropped++;
            }
            queue.addLast(type.cast(event));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public E take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty() && !closed) {
                notEmpty.await();
            }
            return queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public E poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty() && !closed) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public E poll() {
        lock.lock();
        try {
            return queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.accept(this);
    }

}
