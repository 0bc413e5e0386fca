package ca.metered.realtime.client.internal;

import java.util.concurrent.CompletableFuture;

/**
 * One connection attempt, from resolving the credential to the welcome (and, if it succeeds, the
 * life of its connection). The client keeps exactly one current attempt; whatever happens to an
 * attempt that is no longer current is ignored. Loop-confined.
 */
final class Attempt {
    /** Where the attempt is. */
    enum Phase {
        /** The token provider is being asked. */
        CREDENTIAL,
        /** The socket is opening; no welcome yet (the welcome timer runs). */
        OPENING,
        /** Welcomed: the connection is live. */
        WELCOMED,
        /** Failed, closed or abandoned. */
        ENDED
    }

    /** 1-based reconnect attempt number; 0 for the attempt {@code connect()} makes. */
    final int number;
    Phase phase = Phase.CREDENTIAL;
    /** The {@code connect()} waiting for this attempt's welcome; {@code null} for reconnects or once settled. */
    private CompletableFuture<Void> connectFuture;
    Connection connection;
    LoopTimers.Timer welcomeTimer;

    Attempt(int number, CompletableFuture<Void> connectFuture) {
        this.number = number;
        this.connectFuture = connectFuture;
    }

    /** Takes the waiting {@code connect()} future (at most once); {@code null} if none. */
    CompletableFuture<Void> takeConnectFuture() {
        CompletableFuture<Void> f = connectFuture;
        connectFuture = null;
        return f;
    }

    void end() {
        phase = Phase.ENDED;
        LoopTimers.cancel(welcomeTimer);
        welcomeTimer = null;
        if (connection != null) {
            connection.cancelTimers();
        }
    }

    @Override
    public String toString() {
        return "Attempt[" + number + ", " + phase + "]";
    }
}
