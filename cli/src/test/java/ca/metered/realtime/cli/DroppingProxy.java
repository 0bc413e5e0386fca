package ca.metered.realtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of one server port whose connections a test can cut at any
 * moment, as a network drop would: {@link #drop()} resets every connection through it (the client
 * sees its WebSocket die without a close frame, 1006) while new connections are still accepted.
 * Blocking I/O, two threads per connection; for tests with a handful of clients.
 */
final class DroppingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private volatile int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger drops = new AtomicInteger();
    private volatile boolean closed;

    DroppingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "proxy-accept-" + listener.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** New connections go to {@code port} from now on (a restarted server); open ones are left alone. */
    void retarget(int port) {
        this.targetPort = port;
    }

    /** How many times {@link #drop} cut at least one connection. */
    int drops() {
        return drops.get();
    }

    /** Resets every connection through the proxy now. */
    void drop() {
        boolean any = false;
        for (Socket s : open) {
            any = true;
            reset(s);
        }
        if (any) {
            drops.incrementAndGet();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket server;
            try {
                server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            } catch (IOException e) {
                reset(client); // the server is down: the client sees the connection refused, in effect
                continue;
            }
            open.add(client);
            open.add(server);
            pump(client, server);
            pump(server, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: take the other down too
            } finally {
                reset(from);
                reset(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void reset(Socket s) {
        open.remove(s);
        try {
            s.setSoLinger(true, 0); // RST, not FIN: an abrupt drop
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // nothing to do
        }
        open.forEach(this::reset);
    }
}
