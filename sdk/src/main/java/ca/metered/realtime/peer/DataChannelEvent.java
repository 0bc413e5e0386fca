package ca.metered.realtime.peer;

import java.nio.charset.StandardCharsets;

/** Events of a {@link DataChannel} (JS {@code open}, {@code close}, {@code error}, {@code message}). */
public sealed interface DataChannelEvent
        permits DataChannelEvent.Open, DataChannelEvent.Close, DataChannelEvent.Error, DataChannelEvent.Message {

    record Open() implements DataChannelEvent {
    }

    /** The channel closed (either side); fired once; pending sends have failed. */
    record Close() implements DataChannelEvent {
    }

    record Error(Throwable error) implements DataChannelEvent {
    }

    /** One inbound message; {@code bytes} is a private copy. */
    record Message(byte[] bytes, boolean binary) implements DataChannelEvent {
        /** The payload decoded as UTF-8 (meant for text messages). */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
