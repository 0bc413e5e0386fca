package ca.metered.realtime.server.session;

import ca.metered.realtime.server.config.Limits;
import ca.metered.realtime.server.connection.Link;
import java.util.function.LongSupplier;

/** An {@link InboundRateLimiter} on its own (the server's is the {@link Session}): given a rate, burst, clock and link. */
final class TestLimiter extends InboundRateLimiter {
    private final Limits limits;
    private final LongSupplier nanoTime;
    private final Link link;

    TestLimiter(int ratePerSecond, int burst, LongSupplier nanoTime, Link link) {
        this(limits(ratePerSecond, burst), nanoTime, link);
    }

    private TestLimiter(Limits limits, LongSupplier nanoTime, Link link) {
        super(limits, nanoTime.getAsLong());
        this.limits = limits;
        this.nanoTime = nanoTime;
        this.link = link;
    }

    static Limits limits(int ratePerSecond, int burst) {
        Limits d = Limits.defaults();
        return new Limits(d.maxMessageSize(), d.maxChannelsPerConnection(), ratePerSecond, burst,
                d.maxConcurrentConnections(), d.maxMessagesPerPeriod(), d.maxTokenLifetime());
    }

    @Override
    Limits limits() {
        return limits;
    }

    @Override
    long nanoTime() {
        return nanoTime.getAsLong();
    }

    @Override
    Link link() {
        return link;
    }

    @Override
    public int maxMessageBytes() {
        return 0;
    }
}
