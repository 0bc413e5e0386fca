package ca.metered.realtime.cli;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.ClientState;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SignallingClientOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rms bench}: bounded end-to-end measurements of the Java SDK against a running server (run
 * the server in another process, with limits raised: see docs/sdk-java.md "Capacity"). Not a test:
 * it prints numbers and asserts nothing beyond "everything arrived".
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the Java SDK against a running server (idle clients per JVM, messages/s per client).",
        subcommands = {BenchCommand.Idle.class, BenchCommand.Throughput.class, BenchSource.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU time used by this process so far, in ns (all threads). */
    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Heap in use after a few GCs, so garbage does not count. */
    static long settledHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    @Command(name = "idle", mixinStandardHelpOptions = true,
            description = "Connect N clients in this JVM, keep them idle, report heap and threads per client.")
    static final class Idle implements Callable<Integer> {
        @Mixin
        ClientArgs client;

        @Option(names = "--clients", defaultValue = "2000", description = "clients to connect (default ${DEFAULT-VALUE})")
        int clients;

        @Option(names = "--concurrency", defaultValue = "200", description = "connects in flight (default ${DEFAULT-VALUE})")
        int concurrency;

        @Option(names = "--subscribe", description = "also subscribe each client to its own channel bench/idle-<i>")
        boolean subscribe;

        @Option(names = "--hold", defaultValue = "30s",
                description = "how long to keep them idle (spans keepalive pings; default ${DEFAULT-VALUE})")
        String hold;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            Duration holdFor = Durations.parse(hold);
            SignallingClientOptions options = ClientArgs.build(client.builder());
            int threadsBefore = THREADS.getThreadCount();
            long heapBefore = settledHeap();
            List<SignallingClient> all = new ArrayList<>(clients);
            Semaphore inFlight = new Semaphore(concurrency);
            AtomicInteger failed = new AtomicInteger();
            AtomicLong disconnects = new AtomicLong();
            CountDownLatch ready = new CountDownLatch(clients);
            long t0 = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                SignallingClient c = SignallingClient.create(options);
                c.on(ClientEvent.Disconnected.class, d -> disconnects.incrementAndGet());
                all.add(c);
                inFlight.acquire();
                String channel = "bench/idle-" + i;
                CompletableFuture<Void> up = c.connect();
                if (subscribe) {
                    up = up.thenCompose(v -> c.subscribe(channel));
                }
                up.whenComplete((v, e) -> {
                    if (e != null && failed.getAndIncrement() < 3) {
                        System.err.println("rms: bench: " + Failures.describe(e));
                    }
                    inFlight.release();
                    ready.countDown();
                });
            }
            if (!ready.await(5, TimeUnit.MINUTES)) {
                throw new CliException("bench: connects did not finish within 5 minutes", 1);
            }
            long connectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int peakThreads = THREADS.getPeakThreadCount();
            out.printf(Locale.ROOT, "connected %d/%d clients in %d ms (%.0f/s), %d failed%n",
                    clients - failed.get(), clients, connectMs, clients * 1000.0 / Math.max(1, connectMs), failed.get());
            Thread.sleep(holdFor.toMillis());
            long heapAfter = settledHeap();
            int threadsIdle = THREADS.getThreadCount();
            long stillConnected = all.stream().filter(c -> c.state() == ClientState.CONNECTED).count();
            out.printf(Locale.ROOT, "after %s idle: %d connected, %d disconnects seen%n", hold, stillConnected,
                    disconnects.get());
            out.printf(Locale.ROOT, "heap: %s before, %s with clients -> %.1f KiB per client%n", mib(heapBefore),
                    mib(heapAfter), (heapAfter - heapBefore) / 1024.0 / clients);
            out.printf(Locale.ROOT, "threads: %d before, %d while idle, peak %d during the connect burst%n",
                    threadsBefore, threadsIdle, peakThreads);
            long c0 = System.nanoTime();
            all.parallelStream().forEach(c -> c.close(1000, "bench done").join());
            out.printf(Locale.ROOT, "closed all in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c0));
            return failed.get() == 0 && stillConnected == clients ? 0 : 1;
        }
    }

    @Command(name = "throughput", mixinStandardHelpOptions = true,
            description = "Publishers flood one channel; report the messages/s one subscribed client receives.")
    static final class Throughput implements Callable<Integer> {
        @Mixin
        ClientArgs client;

        @Option(names = "--messages", defaultValue = "200000", description = "messages in total (default ${DEFAULT-VALUE})")
        int messages;

        @Option(names = "--publishers", defaultValue = "4", description = "publishing clients (default ${DEFAULT-VALUE})")
        int publishers;

        @Option(names = "--window", defaultValue = "256", description = "unacked publishes per publisher (default ${DEFAULT-VALUE})")
        int window;

        @Option(names = "--size", defaultValue = "100", description = "approximate payload bytes (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--role", defaultValue = "both",
                description = "both (default), receive or publish: split receiver and publishers over two processes")
        String role;

        @Option(names = "--channel", description = "channel to use (needed to pair a 'receive' and a 'publish' process)")
        String channelName;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            SignallingClientOptions options = ClientArgs.build(client.builder());
            if (!List.of("both", "receive", "publish").contains(role)) {
                throw new CliException("--role must be both, receive or publish", 2);
            }
            boolean receive = !role.equals("publish");
            boolean publish = !role.equals("receive");
            String channel = channelName != null ? channelName : "bench/tp-" + UUID.randomUUID();
            String filler = "x".repeat(Math.max(0, size - 30));
            AtomicLong received = new AtomicLong();
            AtomicLong firstNanos = new AtomicLong();
            AtomicLong firstCpu = new AtomicLong();
            CountDownLatch all = new CountDownLatch(1);
            List<SignallingClient> pubs = new ArrayList<>();
            try (SignallingClient receiver = SignallingClient.create(options)) {
                receiver.on(ClientEvent.Message.class, m -> {
                    long n = received.incrementAndGet();
                    if (n == 1) {
                        firstNanos.set(System.nanoTime());
                        firstCpu.set(processCpuNanos());
                    }
                    if (n == messages) {
                        all.countDown();
                    }
                });
                if (receive) {
                    receiver.connect().get(30, TimeUnit.SECONDS);
                    receiver.subscribe(channel).get(30, TimeUnit.SECONDS);
                    out.println("receiving on " + channel);
                    out.flush();
                }
                if (!publish) {
                    boolean complete = all.await(10, TimeUnit.MINUTES);
                    double seconds = (System.nanoTime() - firstNanos.get()) / 1e9;
                    long cpu = processCpuNanos() - firstCpu.get();
                    out.printf(Locale.ROOT, "received %d/%d at one client: %.0f messages/s (first to last message)%n",
                            received.get(), messages, received.get() / Math.max(seconds, 1e-9));
                    out.printf(Locale.ROOT, "receiver process CPU: %.2f s over %.2f s (%.2f cores), %.2f us per message%n",
                            cpu / 1e9, seconds, cpu / 1e9 / Math.max(seconds, 1e-9), cpu / 1e3 / Math.max(1, received.get()));
                    return complete ? 0 : 1;
                }
                for (int p = 0; p < publishers; p++) {
                    SignallingClient pub = SignallingClient.create(options);
                    pubs.add(pub);
                    pub.connect().get(30, TimeUnit.SECONDS);
                }
                long t0 = System.nanoTime();
                long cpu0 = processCpuNanos();
                List<Thread> threads = new ArrayList<>();
                AtomicInteger failures = new AtomicInteger();
                for (int p = 0; p < publishers; p++) {
                    SignallingClient pub = pubs.get(p);
                    int share = messages / publishers + (p < messages % publishers ? 1 : 0);
                    Thread t = new Thread(() -> publish(pub, channel, share, filler, failures), "bench-pub-" + p);
                    threads.add(t);
                    t.start();
                }
                for (Thread t : threads) {
                    t.join();
                }
                long publishedNanos = System.nanoTime() - t0;
                out.printf(Locale.ROOT, "published %d messages of ~%d bytes from %d clients in %.2f s (%d failed)%n",
                        messages, size, publishers, publishedNanos / 1e9, failures.get());
                if (!receive) {
                    long cpu = processCpuNanos() - cpu0;
                    out.printf(Locale.ROOT, "publisher process CPU: %.2f s, %.2f us per publish (%.0f publishes/s)%n",
                            cpu / 1e9, cpu / 1e3 / Math.max(1, messages), messages / (publishedNanos / 1e9));
                    return failures.get() == 0 ? 0 : 1;
                }
                boolean complete = all.await(2, TimeUnit.MINUTES);
                long lastNanos = System.nanoTime();
                double seconds = (lastNanos - firstNanos.get()) / 1e9;
                out.printf(Locale.ROOT, "received %d/%d at one client: %.0f messages/s (first to last message)%n",
                        received.get(), messages, received.get() / Math.max(seconds, 1e-9));
                return complete && failures.get() == 0 ? 0 : 1;
            } finally {
                pubs.forEach(SignallingClient::close);
            }
        }

        private void publish(SignallingClient pub, String channel, int count, String filler, AtomicInteger failures) {
            Semaphore permits = new Semaphore(window);
            for (int i = 0; i < count; i++) {
                permits.acquireUninterruptibly();
                pub.publish(channel, Map.of("i", i, "pad", filler)).whenComplete((v, e) -> {
                    if (e != null && failures.getAndIncrement() < 3) {
                        System.err.println("rms: bench: " + Failures.describe(e));
                    }
                    permits.release();
                });
            }
            permits.acquireUninterruptibly(window);
        }
    }
}
