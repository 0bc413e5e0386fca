package ca.metered.realtime.server.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.ArrayDeque;

/**
 * What an {@link OutboundQueue} wrote to an {@link EmbeddedChannel}, one WebSocket frame at a
 * time: the batches of encoded bytes are decoded by Netty's own (client-side, unmasked) frame
 * decoder — so the tests also check the encoding — and frame objects (the close) pass as they
 * are, in the order written.
 *
 * <p>Not thread-safe: the test's thread.
 */
public final class SentFrames {
    private final EmbeddedChannel channel;
    private final EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket13FrameDecoder(
            WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).allowExtensions(false)
                    .maxFramePayloadLength(1 << 24).build()));
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    /** Writes seen, for tests that count them. */
    private int writes;

    public SentFrames(EmbeddedChannel channel) {
        this.channel = channel;
    }

    /** The next frame written, or null when none waits. */
    @SuppressWarnings("unchecked")
    public <T> T next() {
        while (ready.isEmpty()) {
            Object o = channel.readOutbound();
            if (o == null) {
                return null;
            }
            writes++;
            if (o instanceof ByteBuf bytes) {
                decoder.writeInbound(bytes);
                Object f;
                while ((f = decoder.readInbound()) != null) {
                    ready.add(f);
                }
            } else {
                ready.add(o);
            }
        }
        return (T) ready.poll();
    }

    /** How many writes the channel received so far (a batch of frames is one). */
    public int writes() {
        return writes;
    }
}
