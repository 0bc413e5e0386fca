package ca.metered.realtime.peer;

import ca.metered.realtime.client.Registration;
import ca.metered.realtime.client.internal.SharedResources;
import ca.metered.realtime.peer.internal.DefaultDataChannel;
import ca.metered.realtime.peer.rtc.DataChannelState;
import ca.metered.realtime.peer.rtc.RtcDataChannel;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A P2P data channel with bounded buffering (JS {@code DataChannel}, docs/sdk-behaviour.md 8): sends are queued in
 * order; each waits while the native buffer holds more than {@code maxBufferedAmount} and resumes
 * when it drains to {@code bufferedAmountLowThreshold}; at most {@code maxQueuedSends} may be
 * pending, after which {@link #send} fails with {@link DataChannelOverflowException}. Each send
 * completes independently: exceptionally if the channel is closed or not open. Defaults
 * ({@link DataChannelOptions#DEFAULT}): 1 MiB, 512 KiB, 256 sends.
 *
 * <p>Tied to one peer connection: after {@link RemotePeerEvent.ConnectionReset} open a new one.
 *
 * <p>Inbound messages that arrive before any listener for {@link DataChannelEvent.Message} is
 * registered are held (up to {@value #MAX_HELD} of them, oldest dropped beyond) and delivered, in
 * order, to the first such listener: a remote peer may send the moment the channel opens, before
 * the application had a chance to call {@link #on} on the freshly wrapped channel.
 *
 * <p>Thread-safe. The wrapper takes over the raw channel's observer. Listeners and future
 * completions run one at a time on the executor given to {@link #wrap(RtcDataChannel,
 * DataChannelOptions, Executor)} (default: the SDK's shared pool). Methods returning a future
 * never throw: a {@code null} argument fails it with
 * {@link ca.metered.realtime.client.InvalidArgumentException}.
 */
public interface DataChannel extends AutoCloseable {
    /** Most inbound messages held while nobody listens for them. */
    int MAX_HELD = 4096;

    /** Wraps {@code raw}, callbacks on the SDK's shared pool. */
    static DataChannel wrap(RtcDataChannel raw, DataChannelOptions options) {
        return wrap(raw, options, SharedResources.pool());
    }

    /** Wraps {@code raw}; {@code executor} runs the wrapper's state and listeners (serialised). */
    static DataChannel wrap(RtcDataChannel raw, DataChannelOptions options, Executor executor) {
        return DefaultDataChannel.wrap(raw, options, executor);
    }

    String label();

    DataChannelState state();

    long bufferedAmount();

    /** The wrapped channel. */
    RtcDataChannel raw();

    /** Sends a UTF-8 text message. */
    CompletableFuture<Void> send(String text);

    /** Sends a binary message (the array is copied). */
    CompletableFuture<Void> send(byte[] bytes);

    /** Sends the remaining bytes of {@code data} as a binary message (copied at the call). */
    CompletableFuture<Void> send(ByteBuffer data);

    /** Closes the channel and fails pending sends; idempotent. No {@code Close} event for a local close. */
    @Override
    void close();

    <E extends DataChannelEvent> Registration on(Class<E> type, Consumer<? super E> listener);
}
