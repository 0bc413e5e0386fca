package ca.metered.realtime.protocol.frame;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The client direction of the encoder, reached through {@link FrameCodec#encode(ClientFrame)}.
 * (Decoding server frames is the SDK's job: it parses them straight into its events.)
 *
 * <p>Stateless; thread-safe.
 */
final class ClientSideCodec {
    private final JsonFactory json;

    ClientSideCodec(JsonFactory json) {
        this.json = json;
    }

    String encode(ClientFrame frame) {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            switch (frame.kind()) {
                case SUBSCRIBE -> {
                    ClientFrame.Subscribe s = (ClientFrame.Subscribe) frame;
                    g.writeStringField("type", "subscribe");
                    g.writeStringField("channel", s.channel());
                    // Defaults are omitted, as the JS SDK does, to keep frames minimal.
                    if (s.includeSenderMetadata()) {
                        g.writeBooleanField("includeSenderMetadata", true);
                    }
                    writePosition(g, "recover", s.recover());
                }
                case UNSUBSCRIBE -> {
                    g.writeStringField("type", "unsubscribe");
                    g.writeStringField("channel", ((ClientFrame.Unsubscribe) frame).channel());
                }
                case PUBLISH -> {
                    ClientFrame.Publish p = (ClientFrame.Publish) frame;
                    g.writeStringField("type", "publish");
                    g.writeStringField("channel", p.channel());
                    g.writeFieldName("data");
                    g.writeRawValue(p.data().json());
                    if (p.idempotencyKey() != null) {
                        g.writeStringField("idempotencyKey", p.idempotencyKey());
                    }
                }
                case SEND -> {
                    ClientFrame.Send s = (ClientFrame.Send) frame;
                    g.writeStringField("type", "send");
                    g.writeStringField("to", s.to());
                    g.writeFieldName("data");
                    g.writeRawValue(s.data().json());
                }
                case PING -> g.writeStringField("type", "ping");
                case HISTORY -> {
                    ClientFrame.History h = (ClientFrame.History) frame;
                    g.writeStringField("type", "history");
                    g.writeStringField("channel", h.channel());
                    if (h.limit() != null) {
                        g.writeNumberField("limit", h.limit());
                    }
                    writePosition(g, "since", h.since());
                }
                case REFRESH -> {
                    g.writeStringField("type", "refresh");
                    g.writeStringField("token", ((ClientFrame.Refresh) frame).token());
                }
            }
            if (frame.requestId() != null) {
                g.writeStringField("requestId", frame.requestId());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory output cannot fail
        }
        return out.toString();
    }

    private static void writePosition(JsonGenerator g, String name, StreamPosition position) throws IOException {
        if (position != null) {
            g.writeObjectFieldStart(name);
            g.writeStringField("epoch", position.epoch());
            g.writeNumberField("offset", position.offset());
            g.writeEndObject();
        }
    }
}
