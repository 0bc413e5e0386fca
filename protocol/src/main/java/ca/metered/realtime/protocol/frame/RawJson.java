package ca.metered.realtime.protocol.frame;

import java.util.Objects;

/**
 * A JSON value kept as the exact text the sender wrote, so the server passes {@code data} through
 * untouched (docs/protocol.md 2.2: byte-for-byte JSON semantics, key order preserved) and splices it
 * into outgoing frames without re-encoding.
 *
 * <p>Immutable; thread-safe. The text is trusted to be one well-formed JSON value: instances come
 * from the {@link ClientFrameDecoder}, which has parsed it, or from {@link #of(String)} callers
 * that serialised it with Jackson.
 */
public record RawJson(String json) {
    public RawJson {
        Objects.requireNonNull(json, "json");
    }

    /** Wraps text that is known to be one well-formed JSON value. */
    public static RawJson of(String json) {
        return new RawJson(json);
    }

    @Override
    public String toString() {
        return json;
    }
}
