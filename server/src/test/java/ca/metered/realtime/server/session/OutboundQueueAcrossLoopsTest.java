package ca.metered.realtime.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.server.metrics.NodeMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An {@link OutboundQueue} on one event loop fed from another loop (whose items are carried over
 * by {@link DrainHandoff}), from its own loop and from a thread that is no event loop, all at once:
 * each sender's frames, pings and close arrive in the order it queued them.
 */
class OutboundQueueAcrossLoopsTest {
    private final MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
    /** What the client received: text payloads, "ping", "close <code>", in order. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Writes the server side made. */
    private final AtomicInteger writes = new AtomicInteger();
    /** The server side of the connection, whose outbound path is the queue. */
    private volatile Channel serverSide;

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The connection of most tests: its client's frames go to {@link #received}, its writes to {@link #writes}. */
    private OutboundQueue connect(String name) throws Exception {
        Conn c = connectOne(name, received, writes, closed);
        serverSide = c.channel;
        return c.queue;
    }

    /** The other loop of the group: the queue's channel is not on it. */
    private EventLoop otherLoop() {
        return otherLoop(serverSide.eventLoop());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void publishesDirectsPingsAndTheCloseFromAnotherLoopArriveInSendOrderAmongTheOwnLoopsAndOtherThreadsFrames()
            throws Exception {
        OutboundQueue q = connect("order-" + System.nanoTime());
        EventLoop own = serverSide.eventLoop();
        EventLoop other = otherLoop();
        int rounds = 200;
        // The other loop queues in many rounds (a task each: a hand-over per round, sometimes
        // several rounds in one), the own loop and a plain thread meanwhile.
        CountDownLatch othersDone = new CountDownLatch(2);
        Thread plain = new Thread(() -> {
            for (int i = 0; i < rounds; i++) {
                q.send(bytes("t" + i));
            }
            othersDone.countDown();
        });
        own.execute(() -> {
            for (int i = 0; i < rounds; i++) {
                int n = i;
                own.execute(() -> q.send(bytes("o" + n)));
            }
            own.execute(othersDone::countDown);
        });
        plain.start();
        for (int i = 0; i < rounds; i++) {
            int n = i;
            other.execute(() -> {
                q.send(bytes("p" + n)); // a publish's frame
                q.send(bytes("d" + n)); // a direct message's
                if (n % 10 == 0) {
                    q.ping();
                }
            });
        }
        assertThat(othersDone.await(10, TimeUnit.SECONDS)).isTrue();
        other.execute(() -> {
            q.send(bytes("last"));
            q.close(4000, "done");
            q.send(bytes("after the close"));
        });
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();

        List<String> fromOther = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            expected.add("p" + i);
            expected.add("d" + i);
            if (i % 10 == 0) {
                expected.add("ping");
            }
        }
        expected.add("last");
        expected.add("close 4000");
        for (String s : received) {
            if (s.startsWith("p") || s.startsWith("d") || s.equals("last") || s.startsWith("close")) {
                fromOther.add(s);
            }
        }
        assertThat(fromOther).containsExactlyElementsOf(expected);
        assertThat(received).filteredOn(s -> s.startsWith("o")).containsExactlyElementsOf(sequence("o", rounds));
        assertThat(received).filteredOn(s -> s.startsWith("t")).containsExactlyElementsOf(sequence("t", rounds));
        // The close is the last frame: nothing queued after it went out.
        assertThat(received.get(received.size() - 1)).isEqualTo("close 4000");
        assertThat(received).doesNotContain("after the close");
    }

    @Test
    void framesCarriedToALoopAfterItsConnectionEndedAreDroppedNotCounted() throws Exception {
        OutboundQueue q = connect("gone-" + System.nanoTime());
        EventLoop own = serverSide.eventLoop();
        EventLoop other = otherLoop();
        CompletableFuture<String> after = new CompletableFuture<>();
        CountDownLatch deferred = new CountDownLatch(1);
        // The connection ends on its own loop (as the session ends it) while a frame for it waits
        // in the other loop's round, carried over when that round ends: after the end.
        own.execute(() -> {
            await(deferred);
            q.inactive();
        });
        other.execute(() -> {
            q.send(bytes("too late"));
            deferred.countDown();
            // Queued behind this round's hand-over: runs on the own loop after the carried frame.
            other.execute(() -> own.execute(() -> after.complete(q.queuedBytes() + " bytes, " + writes + " writes")));
        });
        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo("0 bytes, 0 writes");
    }

    @Test
    void whatAThreadQueuesWhileGatheringDrainsGoesOutInOrderOnceItIsDone() throws Exception {
        OutboundQueue q = connect("gathered-" + System.nanoTime());
        // As the keepalive sweep does: on a thread that is no event loop, drains gathered.
        Thread sweep = new Thread(() -> Sessions.gatheringDrains(() -> {
            for (int i = 0; i < 50; i++) {
                q.send(bytes("t" + i));
                q.ping();
            }
            q.close(4000, "done");
        }));
        sweep.start();
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("t" + i);
            expected.add("ping");
        }
        expected.add("close 4000");
        assertThat(received).containsExactlyElementsOf(expected);
    }

    @Test
    void aSweepsPingToAConnectionWithNothingElseToSendStillLeavesAfterItsLinger() throws Exception {
        OutboundQueue q = connect("ping-" + System.nanoTime());
        Thread sweep = new Thread(() -> Sessions.gatheringDrains(q::ping));
        sweep.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(received).containsExactly("ping");
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void aSweepsPingLeavesWithTheConnectionsNextFramesInOneWrite() throws Exception {
        OutboundQueue q = connect("ride-" + System.nanoTime());
        EventLoop own = serverSide.eventLoop();
        CompletableFuture<Integer> writesAfterPing = new CompletableFuture<>();
        CountDownLatch swept = new CountDownLatch(1);
        // The connection's loop is busy until the sweep has pinged, then queues a frame of its
        // own, before the ping's linger can end there: one write takes both.
        own.execute(() -> {
            await(swept);
            writesAfterPing.complete(writes.get());
            q.send(bytes("data"));
        });
        Thread sweep = new Thread(() -> {
            Sessions.gatheringDrains(q::ping);
            swept.countDown();
        });
        sweep.start();
        assertThat(writesAfterPing.get(5, TimeUnit.SECONDS)).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(received).containsExactly("ping", "data");
        CompletableFuture<Integer> total = new CompletableFuture<>();
        own.schedule(() -> total.complete(writes.get()), 2 * DrainHandoff.PING_LINGER_MS, TimeUnit.MILLISECONDS);
        assertThat(total.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void whatAnotherLoopHandedOverBeforeTheRoundsDrainsLeavesInTheSameWrite() throws Exception {
        OutboundQueue q = connect("behind-" + System.nanoTime());
        EventLoop own = serverSide.eventLoop();
        EventLoop other = otherLoop();
        CountDownLatch handedOver = new CountDownLatch(1);
        CountDownLatch queuedA = new CountDownLatch(1);
        // The own loop queues a frame (its drain waits for the end of the round) and is then
        // held up while the other loop hands over the next one, as a loop that fell behind a
        // fan-out is: the round's drain writes both, in order, at once.
        own.execute(() -> {
            q.send(bytes("a"));
            queuedA.countDown();
            await(handedOver);
        });
        assertThat(queuedA.await(5, TimeUnit.SECONDS)).isTrue();
        other.execute(() -> {
            q.send(bytes("b"));
            // Runs after this round's hand-over put "b" in the own loop's inbox.
            other.execute(handedOver::countDown);
        });
        assertArrivedInOneWrite(own);
    }

    @Test
    void whatTheLoopQueuesAfterTheRoundsHandOverLeavesInTheSameWrite() throws Exception {
        OutboundQueue q = connect("late-" + System.nanoTime());
        EventLoop own = serverSide.eventLoop();
        // The round's hand-over is queued with "a"; "b" is queued after it in the same iteration
        // (as the next publish, read by the loop's next poll for I/O, is): the round's drain runs
        // after both and writes them at once.
        own.execute(() -> {
            q.send(bytes("a"));
            own.execute(() -> q.send(bytes("b")));
        });
        assertArrivedInOneWrite(own);
    }

    @Test
    void whatAnotherLoopHandsOverWhileTheDrainsRunLeavesWithTheQueuesNotWrittenYet() throws Exception {
        // Two connections of one loop, drained one after the other in one round. While the first
        // is written, another loop hands over the next frame for the second (as the next
        // publish's fan-out is, to a loop still writing the last one's): the second's drain
        // queues it first and writes both at once, in order.
        CountDownLatch handedOver = new CountDownLatch(1);
        AtomicInteger hooked = new AtomicInteger();
        Conn[] second = new Conn[1];
        Runnable onFirstWrite = () -> {
            if (hooked.getAndIncrement() == 0) {
                EventLoop other = otherLoop(second[0].channel.eventLoop());
                other.execute(() -> {
                    second[0].queue.send(bytes("b2"));
                    other.execute(handedOver::countDown); // after this round's hand-over
                });
                await(handedOver);
            }
        };
        Conn[] pair = twoOnOneLoop(onFirstWrite);
        Conn first = pair[0];
        second[0] = pair[1];
        EventLoop own = first.channel.eventLoop();
        own.execute(() -> {
            first.queue.send(bytes("a1"));
            second[0].queue.send(bytes("a2"));
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((first.received.isEmpty() || second[0].received.size() < 2) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(first.received).containsExactly("a1");
        assertThat(second[0].received).containsExactly("a2", "b2");
        CompletableFuture<Integer> total = new CompletableFuture<>();
        own.execute(() -> total.complete(second[0].writes.get()));
        assertThat(total.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void whatTheLoopTakesInBetweenTwoChunksOfItsDrainsLeavesWithTheQueuesNotWrittenYet() throws Exception {
        // More connections on one loop than it drains between two polls for I/O. While the first
        // chunk is written, the loop is given the next frame for all of them (as the next publish,
        // read by the poll between two chunks, is): the connections of the first chunk get it in
        // a write of its own, the others take it along in the write they had not made yet.
        int n = DrainHandoff.SWEEP_CHUNK + 8;
        List<Conn> conns = new ArrayList<>();
        EventLoop own = null;
        for (int i = 0; conns.size() < n; i++) {
            assertThat(i).isLessThan(4 * n);
            Conn c = connectOne("sweep-" + i + "-" + System.nanoTime());
            if (own == null) {
                own = c.channel.eventLoop();
            }
            if (c.channel.eventLoop() == own) {
                conns.add(c);
            }
        }
        EventLoop loop = own;
        AtomicInteger hooked = new AtomicInteger();
        hooks.put(conns.get(0).channel, () -> {
            if (hooked.getAndIncrement() == 0) {
                loop.execute(() -> conns.forEach(c -> c.queue.send(bytes("b"))));
            }
        });
        loop.execute(() -> conns.forEach(c -> c.queue.send(bytes("a"))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (conns.stream().anyMatch(c -> c.received.size() < 2) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        CompletableFuture<List<Integer>> writesEach = new CompletableFuture<>();
        loop.execute(() -> writesEach.complete(conns.stream().map(c -> c.writes.get()).toList()));
        List<Integer> w = writesEach.get(5, TimeUnit.SECONDS);
        for (Conn c : conns) {
            assertThat(c.received).containsExactly("a", "b");
        }
        assertThat(w.subList(0, DrainHandoff.SWEEP_CHUNK)).allMatch(x -> x == 2);
        assertThat(w.subList(DrainHandoff.SWEEP_CHUNK, n)).allMatch(x -> x == 1);
    }

    /** A server-side connection with its own record of what its client received and its writes. */
    private record Conn(OutboundQueue queue, Channel channel, List<String> received, AtomicInteger writes) {}

    /**
     * Connects until two server sides share a loop; {@code firstWriteHook} runs on the first one's
     * writes, before they go on.
     */
    private Conn[] twoOnOneLoop(Runnable firstWriteHook) throws Exception {
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Conn c = connectOne("pair-" + i + "-" + System.nanoTime());
            for (Conn earlier : conns) {
                if (earlier.channel.eventLoop() == c.channel.eventLoop()) {
                    hooks.put(earlier.channel, firstWriteHook);
                    return new Conn[] {earlier, c};
                }
            }
            conns.add(c);
        }
        throw new AssertionError("no two connections on one loop");
    }

    /** Write hooks by server-side channel (the tests that need one). */
    private final Map<Channel, Runnable> hooks = new ConcurrentHashMap<>();

    private Conn connectOne(String name) throws Exception {
        return connectOne(name, new CopyOnWriteArrayList<>(), new AtomicInteger(), new CountDownLatch(1));
    }

    /**
     * A server side whose outbound path is an {@link OutboundQueue}, counting its writes (and
     * running its hook in {@link #hooks} on each), and a client recording text payloads, "ping"
     * and "close <code>" in {@code got}, in order.
     */
    private Conn connectOne(String name, List<String> got, AtomicInteger wrote, CountDownLatch closedLatch)
            throws Exception {
        CompletableFuture<Conn> conn = new CompletableFuture<>();
        LocalAddress address = new LocalAddress(name);
        new ServerBootstrap().group(loops).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        OutboundQueue q = new OutboundQueue(ch, 1 << 20, new NodeMetrics("test", false));
                        ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                            @Override
                            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
                                    throws Exception {
                                wrote.incrementAndGet();
                                Runnable hook = hooks.get(ch);
                                if (hook != null) {
                                    hook.run();
                                }
                                super.write(ctx, msg, promise);
                            }
                        }, q);
                        conn.complete(new Conn(q, ch, got, wrote));
                    }
                }).bind(address).sync();
        new Bootstrap().group(loops).channel(LocalChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                        .expectMaskedFrames(false).allowExtensions(false).build()), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        WebSocketFrame f = (WebSocketFrame) msg;
                        if (f instanceof TextWebSocketFrame t) {
                            got.add(t.text());
                        } else if (f instanceof PingWebSocketFrame) {
                            got.add("ping");
                        } else if (f instanceof CloseWebSocketFrame c) {
                            got.add("close " + c.statusCode());
                            closedLatch.countDown();
                        }
                        f.release();
                    }
                });
            }
        }).connect(address).sync();
        return conn.get(5, TimeUnit.SECONDS);
    }

    private EventLoop otherLoop(EventLoop than) {
        EventLoop l;
        do {
            l = loops.next();
        } while (l == than);
        return l;
    }

    /** The client received "a" then "b", and the server side made one write, counted on {@code own}. */
    private void assertArrivedInOneWrite(EventLoop own) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(received).containsExactly("a", "b");
        CompletableFuture<Integer> total = new CompletableFuture<>();
        own.execute(() -> total.complete(writes.get()));
        assertThat(total.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    /** Blocks the calling loop until {@code latch} opens (at most 5 s: a failing test must not hang the loop). */
    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> sequence(String prefix, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(prefix + i);
        }
        return l;
    }

}
