package ca.metered.realtime.server.session;

import ca.metered.realtime.protocol.frame.FrameSlices;
import io.netty.buffer.ByteBuf;

/**
 * The kinds of item an {@link OutboundQueue} holds and, for each, the bytes it counts against the
 * connection's cap, the bytes it takes on the wire and how it is written ({@link WireFrames}).
 * Kept apart from the queue, which is about order, the cap, the drain and the close.
 *
 * <p>Stateless; the records are immutable.
 */
final class OutboundItems {
    /** A control frame's header, counted so that even empty pongs fill the cap. */
    static final int CONTROL_FRAME_OVERHEAD = 2;

    private OutboundItems() {
    }

    /*
     * What waits to go out, an Object each: a text frame is its encoded bytes themselves (shared
     * with other connections; no wrapper per delivery), or Slices; a ping or pong a Control, the
     * close a Close.
     */

    /** An encoded text frame made of slices of shared arrays (a snapshot), never joined into one. */
    record Slices(FrameSlices frame) {
    }

    /** A ping (keepalive) or a pong (answering the client's ping). */
    record Control(boolean ping, byte[] payload) {
    }

    record Close(int code, String reason) {
    }

    /** Bytes an item counts against the cap: a control frame's header too, so even empty pongs fill it. */
    static int counted(Object item) {
        if (item instanceof byte[] frame) {
            return frame.length;
        }
        if (item instanceof Slices s) {
            return s.frame().length();
        }
        return item instanceof Control c ? CONTROL_FRAME_OVERHEAD + c.payload().length : 0;
    }

    /** Bytes a data frame (text, ping, pong) takes on the wire, header included. */
    static int wireBytes(Object item) {
        if (item instanceof byte[] frame) {
            return WireFrames.size(frame.length);
        }
        if (item instanceof Slices s) {
            return WireFrames.size(s.frame().length());
        }
        return WireFrames.size(((Control) item).payload().length);
    }

    /** Appends a data frame as it goes on the wire ({@link WireFrames}). */
    static void writeTo(ByteBuf out, Object item) {
        if (item instanceof byte[] frame) {
            WireFrames.write(out, WireFrames.TEXT, frame);
        } else if (item instanceof Slices s) {
            WireFrames.write(out, WireFrames.TEXT, s.frame());
        } else {
            Control c = (Control) item;
            WireFrames.write(out, c.ping() ? WireFrames.PING : WireFrames.PONG, c.payload());
        }
    }
}
