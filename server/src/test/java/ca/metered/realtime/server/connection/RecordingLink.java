package ca.metered.realtime.server.connection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link Link} that records what the core sends and how it closes. Thread-safe. */
public final class RecordingLink implements Link {
    private final List<String> frames = new ArrayList<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Integer closeCode;
    private volatile String closeReason;
    private volatile int pings;

    @Override
    public synchronized void send(byte[] frame) {
        if (!closing.get()) {
            frames.add(new String(frame, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void ping() {
        pings++;
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            closeCode = code;
            closeReason = reason;
        }
    }

    @Override
    public boolean isClosing() {
        return closing.get();
    }

    @Override
    public long queuedBytes() {
        return 0;
    }

    /** The frames sent so far, as text, and forgets them. */
    public synchronized List<String> take() {
        List<String> out = new ArrayList<>(frames);
        frames.clear();
        return out;
    }

    public Integer closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    public int pings() {
        return pings;
    }
}
