package ca.metered.realtime.cli;

import ca.metered.realtime.client.RealtimeException;
import ca.metered.realtime.client.SignallingConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns an SDK failure into the one-line {@code <code>: <message>} the CLI prints after {@code rms: }. */
final class Failures {
    private Failures() {
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** {@code code: message}; connect failures add the close code and the server's reason. */
    static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof SignallingConnectException sce) {
            String reason = sce.closeReason().isEmpty() ? "" : " " + sce.closeReason();
            return sce.code() + ": could not connect (close " + sce.closeCode() + reason + ")";
        }
        if (t instanceof RealtimeException re) {
            return re.code() + ": " + re.getMessage();
        }
        return "error: " + t;
    }

    /** The SDK code, or {@code error} for anything else. */
    static String code(Throwable failure) {
        return unwrap(failure) instanceof RealtimeException re ? re.code() : "error";
    }

    /** A {@link CliException} with exit code 1 for a failed operation. */
    static CliException failed(Throwable failure) {
        return new CliException(describe(failure), 1);
    }
}
