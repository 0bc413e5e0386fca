package ca.metered.realtime.peer.internal;

import ca.metered.realtime.client.InvalidArgumentException;
import ca.metered.realtime.client.Registration;
import ca.metered.realtime.peer.DataChannel;
import ca.metered.realtime.peer.DataChannelEvent;
import ca.metered.realtime.peer.DataChannelOptions;
import ca.metered.realtime.peer.DataChannelOverflowException;
import ca.metered.realtime.client.internal.SerialExecutor;
import ca.metered.realtime.client.internal.EventHub;
import ca.metered.realtime.client.Logger;
import ca.metered.realtime.peer.rtc.DataChannelState;
import ca.metered.realtime.peer.rtc.RtcDataChannel;
import ca.metered.realtime.peer.rtc.RtcDataChannelObserver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The {@link DataChannel}: its queue and state live on a serial loop over the given executor; the
 * raw channel's observer callbacks hop onto it. See the interface for the contract.
 */
public final class DefaultDataChannel implements DataChannel {
    private final RtcDataChannel raw;
    private final DataChannelOptions options;
    private final SerialExecutor loop;
    private final SerialExecutor callbacks;
    private final EventHub<DataChannelEvent> hub;

    // Loop-confined.
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private volatile int queued; // volatile: read by send() for the overflow check
    private boolean closed;
    private boolean opened;
    private final ArrayDeque<DataChannelEvent.Message> held = new ArrayDeque<>();

    private record Pending(ByteBuffer data, boolean binary, CompletableFuture<Void> result) {
    }

    private DefaultDataChannel(RtcDataChannel raw, DataChannelOptions options, Executor executor) {
        this.raw = Objects.requireNonNull(raw, "raw");
        this.options = Objects.requireNonNull(options, "options");
        this.loop = new SerialExecutor(executor, t -> { });
        this.callbacks = new SerialExecutor(executor, t -> { });
        this.hub = new EventHub<>(callbacks, Logger.noop());
    }

    /** Wraps {@code raw}; {@code executor} runs the wrapper's state and listeners (serialised). */
    public static DataChannel wrap(RtcDataChannel raw, DataChannelOptions options, Executor executor) {
        DefaultDataChannel dc = new DefaultDataChannel(raw, options, executor);
        raw.setObserver(dc.new Observer());
        dc.loop.execute(() -> {
            if (raw.state() == DataChannelState.OPEN) {
                dc.markOpen();
            }
        });
        return dc;
    }

    @Override
    public String label() {
        return raw.label();
    }

    @Override
    public DataChannelState state() {
        return raw.state();
    }

    @Override
    public long bufferedAmount() {
        return raw.bufferedAmount();
    }

    /** The wrapped channel. */
    @Override
    public RtcDataChannel raw() {
        return raw;
    }

    @Override
    public CompletableFuture<Void> send(String text) {
        if (text == null) {
            return CompletableFuture.failedFuture(new InvalidArgumentException("text must not be null"));
        }
        return enqueue(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false);
    }

    @Override
    public CompletableFuture<Void> send(byte[] bytes) {
        if (bytes == null) {
            return CompletableFuture.failedFuture(new InvalidArgumentException("bytes must not be null"));
        }
        return enqueue(ByteBuffer.wrap(bytes.clone()), true);
    }

    @Override
    public CompletableFuture<Void> send(ByteBuffer data) {
        if (data == null) {
            return CompletableFuture.failedFuture(new InvalidArgumentException("data must not be null"));
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        return enqueue(copy, true);
    }

    private CompletableFuture<Void> enqueue(ByteBuffer data, boolean binary) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (this) {
            if (queued >= options.maxQueuedSends()) {
                f.completeExceptionally(new DataChannelOverflowException(queued, options.maxQueuedSends()));
                return f;
            }
            queued++;
        }
        loop.execute(() -> {
            if (closed) {
                fail(new Pending(data, binary, f), "DataChannel is closed");
                return;
            }
            queue.add(new Pending(data, binary, f));
            pump();
        });
        return f;
    }

    private void pump() {
        while (!queue.isEmpty()) {
            Pending p = queue.peek();
            if (closed) {
                queue.poll();
                fail(p, "DataChannel is closed");
                continue;
            }
            DataChannelState s = raw.state();
            if (s != DataChannelState.OPEN) {
                queue.poll();
                fail(p, "DataChannel not open (readyState=" + s.name().toLowerCase(java.util.Locale.ROOT) + ")");
                continue;
            }
            if (raw.bufferedAmount() + p.data.remaining() > options.maxBufferedAmount()
                    && raw.bufferedAmount() > 0) { // an over-cap message on an empty buffer still goes
                return; // wait for onBufferedAmountChange
            }
            queue.poll();
            try {
                raw.send(p.data, p.binary);
                done(p, null);
            } catch (RuntimeException e) {
                done(p, e);
            }
        }
    }

    private void fail(Pending p, String message) {
        done(p, new IllegalStateException(message));
    }

    private void done(Pending p, Throwable error) {
        synchronized (this) {
            queued--;
        }
        callbacks.execute(() -> {
            if (error == null) {
                p.result.complete(null);
            } else {
                p.result.completeExceptionally(error);
            }
        });
    }

    private void markOpen() {
        if (!opened && !closed) {
            opened = true;
            hub.emit(new DataChannelEvent.Open());
        }
    }

    private void markClosed(boolean emit) {
        if (closed) {
            return;
        }
        closed = true;
        pump(); // fails everything still queued
        if (emit) {
            hub.emit(new DataChannelEvent.Close());
        }
    }

    /** Closes the channel and fails pending sends; idempotent. No {@code Close} event for a local close. */
    @Override
    public void close() {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            markClosed(false);
            raw.setObserver(null);
            try {
                raw.close();
            } catch (RuntimeException ignored) {
                // JS logs and carries on
            }
            held.clear();
            hub.clear();
        });
    }

    @Override
    public <E extends DataChannelEvent> Registration on(Class<E> type, Consumer<? super E> listener) {
        Registration r = hub.on(type, listener, false);
        if (type.isAssignableFrom(DataChannelEvent.Message.class)) {
            loop.execute(this::releaseHeld);
        }
        return r;
    }

    /** Delivers held messages once someone listens for them. Loop only. */
    private void releaseHeld() {
        while (!held.isEmpty() && hub.hasListenerFor(DataChannelEvent.Message.class)) {
            hub.emit(held.poll());
        }
    }

    /** Emits an inbound message, or holds it while nobody listens (see class doc). Loop only. */
    private void receive(DataChannelEvent.Message message) {
        if (held.isEmpty() && hub.hasListenerFor(DataChannelEvent.Message.class)) {
            hub.emit(message);
            return;
        }
        if (held.size() == MAX_HELD) {
            held.poll();
        }
        held.add(message);
        releaseHeld();
    }

    private final class Observer implements RtcDataChannelObserver {
        @Override
        public void onStateChange(DataChannelState state) {
            loop.execute(() -> {
                if (state == DataChannelState.OPEN) {
                    markOpen();
                    pump();
                } else if (state == DataChannelState.CLOSED) {
                    markClosed(true);
                }
            });
        }

        @Override
        public void onMessage(ByteBuffer data, boolean binary) {
            byte[] copy = new byte[data.remaining()];
            data.duplicate().get(copy);
            loop.execute(() -> {
                if (!closed) {
                    receive(new DataChannelEvent.Message(copy, binary));
                }
            });
        }

        @Override
        public void onBufferedAmountChange(long previousAmount) {
            loop.execute(() -> {
                if (raw.bufferedAmount() <= options.bufferedAmountLowThreshold()) {
                    pump();
                }
            });
        }
    }
}
