package ca.metered.realtime.client;

/**
 * The JSON-serialised {@code data} of a {@code publish}/{@code send} is larger than the server's
 * {@code maxMessageSize} (from the welcome; 65 536 before the first one). Nothing was sent, so the
 * connection is unaffected. Split the payload. Code {@code oversized_payload}.
 */
public class OversizedPayloadException extends SignallingException {
    private final int size;
    private final int cap;

    public OversizedPayloadException(int size, int cap) {
        super("oversized_payload", "payload " + size + " bytes exceeds server cap " + cap + " bytes");
        this.size = size;
        this.cap = cap;
    }

    /** UTF-8 bytes of the serialised data. */
    public int size() {
        return size;
    }

    /** The limit in bytes. */
    public int cap() {
        return cap;
    }
}
