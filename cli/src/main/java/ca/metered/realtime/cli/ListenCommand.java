package ca.metered.realtime.cli;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.client.InvalidArgumentException;
import ca.metered.realtime.client.ReconnectOptions;
import ca.metered.realtime.client.ServerRequestException;
import ca.metered.realtime.client.SignallingClient;
import ca.metered.realtime.client.SubscribeOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code rms listen}: subscribes and prints every SDK event as one JSON line ({@link ClientEvent#toJson()})
 * until SIGINT/SIGTERM. Messages of channels with history show their {@code offset} and {@code epoch};
 * with {@code --recover} the client recovers what it missed on every reconnect and prints each
 * outcome as a {@code recovery} line (docs/history.md). Reconnects without limit like a long-running SDK client; stops with a non-zero
 * exit only when the client stops by itself (a failed first connect, a terminal close code, a
 * rejected subscribe).
 */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = {"Subscribe and print every event as one JSON object per line; reconnects until SIGINT/SIGTERM.",
                "Exits 0 on SIGINT/SIGTERM, 1 when the connection or a subscription fails for good."})
final class ListenCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ClientArgs client;

    @Option(names = "--channel", required = true, paramLabel = "CHANNEL",
            description = "channel or glob (e.g. fleet/*/telemetry); repeat for more")
    List<String> channels;

    @Option(names = "--include-sender-metadata",
            description = "ask for the sender's peerMetadata (fromMetadata) on every message")
    boolean includeSenderMetadata;

    @Option(names = "--recover",
            description = "recover missed messages after every reconnect on channels with history, "
                    + "printing each outcome as a 'recovery' line (recovered true/false)")
    boolean recover;

    /** Completed with the exit code: 0 by a signal, 1 when the client stopped by itself. */
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    /** Completed when the client's final {@code disconnected} line was printed. */
    private final CompletableFuture<Void> lastLine = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile boolean everConnected;

    @Override
    public Integer call() throws InterruptedException {
        SubscribeOptions subscribeOptions = new SubscribeOptions(includeSenderMetadata);
        SignallingClient c = SignallingClient.create(ClientArgs.build(client.builder()
                .reconnect(ReconnectOptions.builder().unlimitedAttempts().build())
                .recovery(recover)));
        PrintStream out = System.out;
        c.on(ClientEvent.class, e -> {
            print(out, e.toJson());
            if (e instanceof ClientEvent.Connected) {
                everConnected = true;
            }
            if (e instanceof ClientEvent.Disconnected d && !d.willReconnect()) {
                lastLine.complete(null);
                // A failed first connect is reported by connect()'s failure instead.
                if (!closing && everConnected && done.complete(1)) {
                    System.err.println("rms: disconnected: the client stopped (close " + d.code()
                            + (d.reason().isEmpty() ? "" : " " + d.reason()) + ")");
                }
            }
        });
        Runnable stop = () -> done.complete(0);
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
        try {
            // A signal during the first connect (up to the 10 s welcome timeout) stops at once.
            CompletableFuture.anyOf(c.connect(), done).get();
            if (done.isDone()) {
                close(c);
                return done.join();
            }
            for (String channel : channels) {
                c.subscribe(channel, subscribeOptions).whenComplete((ok, failure) -> {
                    if (failure == null) {
                        return;
                    }
                    if (Failures.unwrap(failure) instanceof InvalidArgumentException bad) {
                        if (done.complete(2)) { // a --channel the protocol does not allow: a usage error
                            System.err.println("rms: --channel " + channel + ": " + bad.getMessage());
                        }
                        return;
                    }
                    print(out, subscribeFailed(channel, failure));
                    // A refusal is final; a drop before the ack is not: the channel stays tracked and
                    // is re-subscribed on the next connection.
                    if (Failures.unwrap(failure) instanceof ServerRequestException && done.complete(1)) {
                        System.err.println("rms: " + Failures.describe(failure) + " (channel " + channel + ")");
                    }
                });
            }
        } catch (ExecutionException e) {
            close(c);
            throw Failures.failed(e);
        }
        int code = done.join();
        close(c);
        return code;
    }

    private void close(SignallingClient c) {
        closing = true;
        c.close();
        try {
            // The final disconnected event is printed on the callback thread; let it out first.
            lastLine.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // nothing more to print
        }
    }

    private static String subscribeFailed(String channel, Throwable failure) {
        ObjectNode o = JSON.createObjectNode();
        o.put("event", "subscribe-failed");
        o.put("channel", channel);
        o.put("code", Failures.code(failure));
        o.put("message", Failures.unwrap(failure).getMessage());
        return o.toString();
    }

    private static synchronized void print(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }
}
