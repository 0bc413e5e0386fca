package ca.metered.realtime.server.pubsub;

import ca.metered.realtime.protocol.ErrorCode;
import ca.metered.realtime.server.auth.Refusal;

/**
 * What a command came to: done, with its result, or refused with an error code. Both the
 * WebSocket commands and the REST endpoints turn it into their own answer ({@code ack} /
 * {@code error} frame, HTTP status). Handle it with {@code instanceof} on the two records.
 *
 * <p>Immutable; thread-safe.
 */
public sealed interface Outcome<T> {

    record Done<T>(T value) implements Outcome<T> {
    }

    record Refused<T>(Refusal refusal) implements Outcome<T> {
    }

    static <T> Outcome<T> done(T value) {
        return new Done<>(value);
    }

    static <T> Outcome<T> refused(Refusal refusal) {
        return new Refused<>(refusal);
    }

    static <T> Outcome<T> refused(ErrorCode code, String message) {
        return new Refused<>(new Refusal(code, message));
    }
}
