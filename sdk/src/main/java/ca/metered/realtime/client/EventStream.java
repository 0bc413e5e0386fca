package ca.metered.realtime.client;

import java.time.Duration;

/**
 * A bounded queue of one client's events of one type, for loop-style consumers (agents, workers):
 *
 * <pre>{@code
 * try (EventStream<ClientEvent.Message> messages = client.events(ClientEvent.Message.class)) {
 *     ClientEvent.Message m;
 *     while ((m = messages.take()) != null) {
 *         handle(m);
 *     }
 * }
 * }</pre>
 *
 * <p>When full, the oldest event is dropped to make room and counted in {@link #dropped()}, so a
 * slow consumer never holds back the client or other consumers. Only events fired after the stream
 * was opened are queued. Thread-safe; typically one consumer thread.
 *
 * <p><b>End.</b> A stream ends when you {@link #close()} it, and when its owner is closed
 * ({@code SignallingClient.close()}/{@code dispose()}, {@code MeteredPeer.close()}/{@code dispose()})
 * after the owner's final events were queued. {@link #take()} then returns the queued events and
 * after them {@code null}, the end signal, instead of blocking: a worker loop
 * {@code while ((e = stream.take()) != null)} ends by itself when its client is closed.
 */
public interface EventStream<E> extends AutoCloseable {
    /**
     * Waits for the next event. Returns {@code null} once the stream has ended (see above) and is drained.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    E take() throws InterruptedException;

    /** Waits at most {@code timeout}; {@code null} on timeout or when closed and drained. */
    E poll(Duration timeout) throws InterruptedException;

    /** The next event if one is queued, else {@code null}; never waits. */
    E poll();

    /** Number of queued events. */
    int size();

    /** Events dropped because the stream was full. */
    long dropped();

    boolean isClosed();

    /** Ends the stream: stops queuing and wakes waiting consumers; queued events can still be taken. Idempotent. */
    @Override
    void close();
}
