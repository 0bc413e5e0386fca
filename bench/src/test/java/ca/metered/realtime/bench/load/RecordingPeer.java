package ca.metered.realtime.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A test {@link Peer}: records the messages it is handed as "text:…" / "binary:…" (in
 * {@link #messages}, and in {@link #arrived} for a test on another thread), becomes ready on the
 * first, and consumes them (a peer may: the reader restores the buffer). {@link #publish} sends
 * the room's name as a text message.
 */
final class RecordingPeer extends Peer {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final BlockingQueue<String> arrived = new LinkedBlockingQueue<>();

    RecordingPeer() {
        super(0, new PeerListener() {
        });
    }

    @Override
    public void publish(String room, boolean ack) {
        channel().writeAndFlush(new TextWebSocketFrame(room));
    }

    @Override
    protected void sendSubscribe(String room) {
    }

    @Override
    protected void onMessage(ByteBuf content, boolean text) {
        String m = (text ? "text:" : "binary:") + content.toString(StandardCharsets.ISO_8859_1);
        content.skipBytes(content.readableBytes());
        markReady();
        messages.add(m);
        arrived.add(m);
    }
}
