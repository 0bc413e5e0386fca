package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.transport.WebSocketConnection;
import ca.metered.realtime.client.transport.WebSocketListener;
import ca.metered.realtime.client.transport.WebSocketTransport;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-process fake of the server side of the WebSocket: tests open sockets, push frames and
 * close them. By default a client close is echoed at once, as a well-behaved server does.
 */
final class FakeTransport implements WebSocketTransport {
    final List<FakeSocket> sockets = new ArrayList<>();
    boolean echoClientClose = true;
    boolean failConstruction;

    @Override
    public WebSocketConnection connect(URI uri, WebSocketListener listener) {
        if (failConstruction) {
            throw new IllegalStateException("cannot connect to " + uri);
        }
        FakeSocket s = new FakeSocket(uri, listener);
        sockets.add(s);
        return s;
    }

    FakeSocket last() {
        return sockets.get(sockets.size() - 1);
    }

    final class FakeSocket implements WebSocketConnection {
        final URI uri;
        final WebSocketListener listener;
        final List<String> sent = new ArrayList<>();
        Integer clientCloseCode;
        String clientCloseReason;
        boolean open;
        boolean closed;

        FakeSocket(URI uri, WebSocketListener listener) {
            this.uri = uri;
            this.listener = listener;
        }

        FakeSocket open() {
            open = true;
            listener.onOpen();
            return this;
        }

        /** Opens and sends a welcome. */
        FakeSocket welcome() {
            return welcome("peer-1", 65536, null);
        }

        FakeSocket welcome(String peerId, int maxMessageSize, String metadataJson) {
            if (!open) {
                open();
            }
            return receive("{\"type\":\"welcome\",\"peerId\":\"" + peerId + "\",\"serverTime\":1700000000,"
                    + "\"expiresAt\":null,\"maxMessageSize\":" + maxMessageSize
                    + (metadataJson == null ? "" : ",\"metadata\":" + metadataJson) + "}");
        }

        FakeSocket receive(String text) {
            listener.onText(text);
            return this;
        }

        void serverClose(int code, String reason) {
            closed = true;
            open = false;
            listener.onClose(code, reason);
        }

        @Override
        public boolean send(String text) {
            if (!open || closed || clientCloseCode != null) {
                return false;
            }
            sent.add(text);
            return true;
        }

        @Override
        public void close(int code, String reason) {
            if (clientCloseCode != null) {
                return;
            }
            clientCloseCode = code;
            clientCloseReason = reason;
            if (echoClientClose && !closed) {
                serverClose(code, reason);
            }
        }

        JsonNode lastSent() {
            return sentJson(sent.size() - 1);
        }

        JsonNode sentJson(int i) {
            try {
                return Json.parse(sent.get(i));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        /** Acks the last frame sent. */
        void ackLast() {
            receive("{\"type\":\"ack\",\"requestId\":\"" + lastSent().get("requestId").asText() + "\"}");
        }

        void errorLast(String code) {
            receive("{\"type\":\"error\",\"code\":\"" + code + "\",\"message\":\"nope\",\"requestId\":\""
                    + lastSent().get("requestId").asText() + "\"}");
        }
    }
}
