package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.AckTimeoutException;
import ca.metered.realtime.client.DisconnectedException;
import ca.metered.realtime.client.NotConnectedException;
import ca.metered.realtime.client.ServerRequestException;
import ca.metered.realtime.client.SignallingException;
import ca.metered.realtime.protocol.ErrorCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Idempotent publishes waiting to be tried again with the same key (docs/protocol.md 9): parked when
 * an attempt fails in a way a retry can fix, re-sent in the order they were parked on the next
 * welcome (or after {@link #RETRY_DELAY_MS} when the failure was the server's while connected), and
 * failed with their last error at their deadline. Loop-confined.
 */
final class PublishRetries {
    static final long RETRY_DELAY_MS = 1_000;

    private final class Parked {
        final Runnable retry;
        final Consumer<SignallingException> fail;
        final SignallingException lastError;
        LoopTimers.Timer deadline;

        Parked(Runnable retry, Consumer<SignallingException> fail, SignallingException lastError) {
            this.retry = retry;
            this.fail = fail;
            this.lastError = lastError;
        }
    }

    private final LoopTimers timers;
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();
    private LoopTimers.Timer soon;

    PublishRetries(LoopTimers timers) {
        this.timers = timers;
    }

    /** Whether a publish that failed with {@code err} may have been lost and is worth sending again. */
    static boolean retryable(SignallingException err) {
        if (err instanceof DisconnectedException || err instanceof NotConnectedException
                || err instanceof AckTimeoutException) {
            return true;
        }
        return err instanceof ServerRequestException s && s.code().equals(ErrorCode.BACKEND_ERROR.wireName());
    }

    /** Parks a retry until the next {@link #resume}; failed with {@code lastError} at {@code deadlineMs}. */
    void park(long deadlineMs, Runnable retry, Consumer<SignallingException> fail, SignallingException lastError) {
        Parked p = new Parked(retry, fail, lastError);
        parked.add(p);
        p.deadline = timers.schedule(Math.max(0, deadlineMs - timers.nowMs()), () -> {
            if (parked.remove(p)) {
                p.fail.accept(p.lastError);
            }
        });
        if (!(lastError instanceof DisconnectedException || lastError instanceof NotConnectedException) && soon == null) {
            // The connection is still up (a timeout, a backend error): no welcome will come to resume.
            soon = timers.schedule(RETRY_DELAY_MS, () -> {
                soon = null;
                resume();
            });
        }
    }

    /** A connection is ready: every parked publish is tried again, oldest first. */
    void resume() {
        List<Parked> due = new ArrayList<>(parked);
        parked.clear();
        for (Parked p : due) {
            LoopTimers.cancel(p.deadline);
            p.retry.run();
        }
    }

    /** The client was closed: every parked publish fails. */
    void failAll(SignallingException err) {
        LoopTimers.cancel(soon);
        soon = null;
        List<Parked> due = new ArrayList<>(parked);
        parked.clear();
        for (Parked p : due) {
            LoopTimers.cancel(p.deadline);
            p.fail.accept(err);
        }
    }
}
