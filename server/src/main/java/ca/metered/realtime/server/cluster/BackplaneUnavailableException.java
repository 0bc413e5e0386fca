package ca.metered.realtime.server.cluster;

/**
 * The cluster backplane could not be reached when a node started; the message is one line meant
 * for a person (it never contains credentials). A node does not start half-joined.
 */
public final class BackplaneUnavailableException extends RuntimeException {
    public BackplaneUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
