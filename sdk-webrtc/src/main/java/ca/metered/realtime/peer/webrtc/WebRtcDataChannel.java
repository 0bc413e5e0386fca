package ca.metered.realtime.peer.webrtc;

import ca.metered.realtime.peer.rtc.DataChannelState;
import ca.metered.realtime.peer.rtc.RtcDataChannel;
import ca.metered.realtime.peer.rtc.RtcDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link RtcDataChannel} over webrtc-java's {@link RTCDataChannel}.
 *
 * <p>The binding registers its own native observer at once and forwards to the port observer
 * through a per-channel queue, one event at a time, in native order, never holding a lock while
 * the port observer runs (it may call back into the channel, which hops to the native signalling
 * thread). For a channel the remote side opened, events that arrive before the first
 * {@link #setObserver} are kept (up to {@value #MAX_EARLY_EVENTS}) and replayed to it, as a
 * browser queues them until the {@code datachannel} handler ran: the SDK hands the channel to the
 * application on another thread, and the opener commonly sends as soon as it sees {@code open}.
 *
 * <p>webrtc-java's {@code onStateChange()} carries no state; the binding reads it in the callback
 * and reports changes only (a repeated reading is dropped).
 */
final class WebRtcDataChannel implements RtcDataChannel {
    static final int MAX_EARLY_EVENTS = 4096;

    private final RTCDataChannel channel;
    private final String label;

    private final Object lock = new Object();
    // Guarded by lock.
    private RtcDataChannelObserver observer;
    private boolean keepEarly;
    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    private boolean draining;
    private DataChannelState lastState;
    private boolean closed;

    private sealed interface Event permits State, Message, Buffered {
    }

    private record State(DataChannelState state) implements Event {
    }

    private record Message(ByteBuffer data, boolean binary) implements Event {
    }

    private record Buffered(long previous) implements Event {
    }

    private WebRtcDataChannel(RTCDataChannel channel, boolean keepEarly) {
        this.channel = channel;
        this.label = channel.getLabel();
        this.keepEarly = keepEarly;
        this.lastState = Natives.dataChannel(channel.getState());
        channel.registerObserver(new NativeObserver());
    }

    /** A channel this side created. */
    static WebRtcDataChannel local(RTCDataChannel channel) {
        return new WebRtcDataChannel(channel, false);
    }

    /** A channel the remote side opened; early events are kept for the first observer. */
    static WebRtcDataChannel remote(RTCDataChannel channel) {
        return new WebRtcDataChannel(channel, true);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public DataChannelState state() {
        return Natives.dataChannel(channel.getState());
    }

    @Override
    public long bufferedAmount() {
        return channel.getBufferedAmount();
    }

    @Override
    public void send(ByteBuffer data, boolean binary) {
        Objects.requireNonNull(data, "data");
        DataChannelState s = state();
        if (s != DataChannelState.OPEN) {
            throw new IllegalStateException("data channel '" + label + "' is " + s);
        }
        // An exact-size heap copy: webrtc-java sends the whole backing array of a heap buffer,
        // ignoring position and limit.
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        try {
            channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(bytes), binary));
        } catch (Exception e) {
            throw new IllegalStateException("data channel '" + label + "' refused the message: " + e.getMessage(), e);
        }
    }

    @Override
    public void setObserver(RtcDataChannelObserver observer) {
        boolean drainHere;
        synchronized (lock) {
            this.observer = observer;
            keepEarly = false;
            if (observer == null) {
                queue.clear();
            }
            drainHere = !draining && !queue.isEmpty();
            draining |= drainHere;
        }
        if (drainHere) {
            drain();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        channel.close();
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(channel)) {
            return Optional.of(type.cast(channel));
        }
        return RtcDataChannel.super.unwrap(type);
    }

    @Override
    public String toString() {
        return "WebRtcDataChannel[" + label + "]";
    }

    private void post(Event e) {
        synchronized (lock) {
            if (observer == null && !keepEarly) {
                return;
            }
            if (observer == null && queue.size() >= MAX_EARLY_EVENTS) {
                return;
            }
            queue.add(e);
            if (draining || observer == null) {
                return;
            }
            draining = true;
        }
        drain();
    }

    private void drain() {
        while (true) {
            Event e;
            RtcDataChannelObserver o;
            synchronized (lock) {
                o = observer;
                e = o == null ? null : queue.poll();
                if (e == null) {
                    draining = false;
                    return;
                }
            }
            try {
                if (e instanceof State s) {
                    o.onStateChange(s.state());
                } else if (e instanceof Message m) {
                    o.onMessage(m.data().asReadOnlyBuffer(), m.binary());
                } else if (e instanceof Buffered b) {
                    o.onBufferedAmountChange(b.previous());
                }
            } catch (RuntimeException ignored) {
                // The port observer must not throw; one that does must not stop delivery.
            }
        }
    }

    private final class NativeObserver implements RTCDataChannelObserver {
        @Override
        public void onBufferedAmountChange(long previousAmount) {
            post(new Buffered(previousAmount));
        }

        @Override
        public void onStateChange() {
            DataChannelState now = Natives.dataChannel(channel.getState());
            synchronized (lock) {
                if (now == lastState) {
                    return;
                }
                lastState = now;
            }
            post(new State(now));
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            // The native buffer is only valid during this call.
            ByteBuffer copy = ByteBuffer.allocate(buffer.data.remaining());
            copy.put(buffer.data.duplicate()).flip();
            post(new Message(copy, buffer.binary));
        }
    }
}
